import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from './files/write-file-atomically.js';

const settingsSchema = z.object({
  version: z.literal(1),
  serialPortPatterns: z.array(z.string().min(1).max(512)).max(64),
});

export type StationSettings = z.infer<typeof settingsSchema>;

const defaults: StationSettings = { version: 1, serialPortPatterns: [] };

/**
 * The operator's settings (configured serial ports), one JSON file in the app's data folder.
 * A damaged file is kept aside as settings.json.damaged-<time> rather than overwritten, so nothing
 * the operator set is silently lost, and the station starts with defaults.
 */
export class StationSettingsStore {
  private readonly path: string;

  constructor(
    private readonly directory: string,
    private readonly log: (line: string) => void = console.warn,
  ) {
    this.path = join(directory, 'settings.json');
  }

  async load(): Promise<StationSettings> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(defaults);
      throw error;
    }
    const parsed = settingsSchema.safeParse(safeJson(text));
    if (parsed.success) return parsed.data;
    const aside = `${this.path}.damaged-${Date.now()}`;
    await rename(this.path, aside);
    this.log(`settings: ${this.path} was not valid and was moved to ${aside}; starting with defaults.`);
    return structuredClone(defaults);
  }

  async save(settings: StationSettings): Promise<void> {
    const valid = settingsSchema.parse(settings);
    await writeFileAtomically(this.path, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600 });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
