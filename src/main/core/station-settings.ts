import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from './files/write-file-atomically.js';

const settingsSchema = z.object({
  version: z.literal(1),
  serialPortPatterns: z.array(z.string().min(1).max(512)).max(64),
  /**
   * The AWS side the operator picked last: the embedded sandbox or the imported profile. Added
   * after the first release, so absent in older files (then: the imported profile if there is one);
   * a value this version does not know is dropped rather than costing the operator their ports.
   */
  profileChoice: z.enum(['sandbox', 'imported']).optional().catch(undefined),
});

export type StationSettings = z.infer<typeof settingsSchema>;
export type ProfileChoice = NonNullable<StationSettings['profileChoice']>;

const defaults: StationSettings = { version: 1, serialPortPatterns: [] };

/**
 * The operator's settings (configured serial ports, the profile choice), one JSON file in the app's
 * data folder.
 * A damaged file is kept aside as settings.json.damaged-<time> rather than overwritten, so nothing
 * the operator set is silently lost, and the station starts with defaults.
 */
export class StationSettingsStore {
  private readonly path: string;
  private updating: Promise<unknown> = Promise.resolve();

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

  /** Changes some fields and keeps the rest; updates run one after another, so none is lost. */
  update(change: Partial<Omit<StationSettings, 'version'>>): Promise<StationSettings> {
    const next = this.updating.then(async () => {
      const settings: StationSettings = { ...(await this.load()), ...change, version: 1 };
      await this.save(settings);
      return settings;
    });
    this.updating = next.catch(() => undefined);
    return next;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
