import { access, readFile, rename, unlink } from 'node:fs/promises';
import { writeFileAtomically } from '../files/write-file-atomically.js';
import { join } from 'node:path';
import { z } from 'zod';
import type { SecretStorage } from './secret-storage.js';

/**
 * The one file that lets an operator stay signed in across a restart: what Amplify needs to use
 * the refresh token (its token items), encrypted whole with `SecretStorage` (Electron safeStorage,
 * i.e. the OS keyring). Without encryption nothing is written at all — never plaintext.
 * Written atomically (temporary file, fsync, rename) with mode 0600; operations run one at a time,
 * so a save still in flight can never bring the file back after a delete.
 */

export const REMEMBERED_SESSION_FILE = 'operator-session.bin';

const payloadSchema = z.strictObject({
  version: z.literal(1),
  userPoolId: z.string().min(1),
  userPoolClientId: z.string().min(1),
  username: z.string().min(1),
  /** When the operator typed their password (ms epoch): the refresh token's lifetime counts from here. */
  signedInAt: z.number().int().nonnegative(),
  /** Amplify's token storage items (keys and values), as MemoryTokenStorage.snapshot() gives them. */
  items: z.record(z.string(), z.string()),
});

export type RememberedSession = z.infer<typeof payloadSchema>;

export type RememberedSessionRead =
  | { kind: 'none' }
  /** A file exists but cannot be decrypted here now (no keyring); it is left where it is. */
  | { kind: 'unavailable' }
  /** Unreadable, undecryptable or malformed; moved aside to `asidePath`. */
  | { kind: 'damaged'; reason: string; asidePath: string | undefined }
  | { kind: 'found'; session: RememberedSession };

export class RememberedSessionFile {
  readonly path: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    directory: string,
    private readonly secretStorage: SecretStorage | null,
  ) {
    this.path = join(directory, REMEMBERED_SESSION_FILE);
  }

  /** True when a secret may be stored: an encryption backend exists and says it works. */
  canStore(): boolean {
    try {
      return this.secretStorage?.isEncryptionAvailable() === true;
    } catch {
      return false;
    }
  }

  save(session: RememberedSession): Promise<void> {
    return this.serially(async () => {
      const storage = this.secretStorage;
      if (!storage || !this.canStore()) throw new Error('encryption is not available');
      const encrypted = storage.encryptString(JSON.stringify(payloadSchema.parse(session)));
      try {
        await writeFileAtomically(this.path, encrypted, { mode: 0o600, directoryMode: 0o700 });
      } finally {
        encrypted.fill(0);
      }
    });
  }

  read(): Promise<RememberedSessionRead> {
    return this.serially(async (): Promise<RememberedSessionRead> => {
      let encrypted: Buffer;
      try {
        encrypted = await readFile(this.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
        return { kind: 'damaged', reason: `it cannot be read (${errorCode(error)})`, asidePath: undefined };
      }
      const storage = this.secretStorage;
      if (!storage || !this.canStore()) return { kind: 'unavailable' };
      let text: string;
      try {
        text = storage.decryptString(encrypted);
      } catch {
        return this.damaged('it cannot be decrypted with this computer’s keyring');
      } finally {
        encrypted.fill(0);
      }
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch {
        return this.damaged('its content is not what the station writes');
      }
      const parsed = payloadSchema.safeParse(document);
      if (!parsed.success) return this.damaged('its content is not what the station writes');
      return { kind: 'found', session: parsed.data };
    });
  }

  /** Removes the file; a missing file is fine. */
  delete(): Promise<void> {
    return this.serially(async () => {
      await unlink(this.path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    });
  }

  private async damaged(reason: string): Promise<RememberedSessionRead> {
    // rename() replaces silently: never let a second damaged file bury the first.
    let stamp = Date.now();
    while (await exists(`${this.path}.damaged-${stamp}`)) stamp++;
    const asidePath = `${this.path}.damaged-${stamp}`;
    try {
      await rename(this.path, asidePath);
      return { kind: 'damaged', reason, asidePath };
    } catch {
      return { kind: 'damaged', reason, asidePath: undefined };
    }
  }

  private serially<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}
