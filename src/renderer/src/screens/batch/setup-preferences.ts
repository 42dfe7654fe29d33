/**
 * What the set-up form remembers between batches on this station: the template, the label's
 * prefix and the bay count. UI preferences only (no secrets, no parameters), in localStorage.
 */
export interface SetupPreferences {
  templateName: string | null;
  lastLabel: string | null;
  bays: string | null;
}

const key = 'station.batchSetup';

export function readSetupPreferences(): SetupPreferences {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? '{}');
    const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    return {
      templateName: text(record['templateName']),
      lastLabel: text(record['lastLabel']),
      bays: text(record['bays']),
    };
  } catch {
    return { templateName: null, lastLabel: null, bays: null };
  }
}

export function saveSetupPreferences(preferences: SetupPreferences): void {
  try {
    localStorage.setItem(key, JSON.stringify(preferences));
  } catch {
    // Storage unavailable or full: the form simply starts empty next time.
  }
}
