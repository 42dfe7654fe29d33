import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * One JSON document on disk holding a sandbox service's state. Writes go to a temporary file
 * first and are renamed into place, so a crash never leaves half a state file behind.
 * Without a path the state lives in memory only (tests).
 */
export class JsonStateFile<T> {
  constructor(
    private readonly path: string | undefined,
    private readonly initial: () => T,
  ) {}

  load(): T {
    if (!this.path) return this.initial();
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.initial();
      throw new Error(`Sandbox state file ${this.path} is unreadable: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  save(state: T): void {
    if (!this.path) return;
    writeFileAtomically(this.path, JSON.stringify(state, null, 2), 0o600);
  }
}

/**
 * Writes `text` to a temporary file beside `path` (creating its directory) and renames it into
 * place, so a reader or a crash never sees half a file.
 */
export function writeFileAtomically(path: string, text: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  renameSync(temporary, path);
}
