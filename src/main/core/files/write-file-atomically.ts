import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

let temporaryCounter = 0;

/**
 * Writes `data` to `path` so that a crash or power loss leaves either the old file or the new one,
 * never half of either: a fresh temporary file beside it (created with `mode`), flushed to disk,
 * then renamed over the target. The folder is created (with `directoryMode`) when missing.
 */
export async function writeFileAtomically(
  path: string,
  data: string | Uint8Array,
  options: { mode: number; directoryMode?: number },
): Promise<void> {
  await mkdir(dirname(path), {
    recursive: true,
    ...(options.directoryMode !== undefined ? { mode: options.directoryMode } : {}),
  });
  const temporary = `${path}.${process.pid}.${++temporaryCounter}.tmp`;
  const handle = await open(temporary, 'wx', options.mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
