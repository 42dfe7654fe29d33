/**
 * The station's UI preferences (sound on/off, label size, last template...) in localStorage. Never
 * a secret, never a parameter value. Storage that is unavailable or full simply forgets.
 */
const prefix = 'station.';

export function readPreference(key: string): string | null {
  try {
    return localStorage.getItem(prefix + key);
  } catch {
    return null;
  }
}

export function writePreference(key: string, value: string): void {
  try {
    localStorage.setItem(prefix + key, value);
  } catch {
    // Unavailable or full: the preference is not remembered, nothing else is affected.
  }
}
