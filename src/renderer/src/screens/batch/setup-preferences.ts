import { readPreference, writePreference } from '../../preferences/ui-preferences.js';

/**
 * What the set-up form remembers between batches on this station: the template, the label's
 * prefix and the bay count. UI preferences only (no secrets, no parameters).
 */
export interface SetupPreferences {
  templateName: string | null;
  lastLabel: string | null;
  bays: string | null;
}

/** Stored as "station.batchSetup", the key this form has always used. */
const key = 'batchSetup';

export function readSetupPreferences(): SetupPreferences {
  try {
    const parsed: unknown = JSON.parse(readPreference(key) ?? '{}');
    const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    return {
      templateName: text(record['templateName']),
      lastLabel: text(record['lastLabel']),
      bays: text(record['bays']),
    };
  } catch {
    // Not JSON (written by hand, or damaged): the form starts empty.
    return { templateName: null, lastLabel: null, bays: null };
  }
}

export function saveSetupPreferences(preferences: SetupPreferences): void {
  // Storage unavailable or full: the form simply starts empty next time.
  writePreference(key, JSON.stringify(preferences));
}
