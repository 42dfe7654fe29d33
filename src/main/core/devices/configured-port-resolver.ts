import { glob, stat } from 'node:fs/promises';
import type { SerialDeviceView } from '../../../shared/view-models.js';

const globCharacters = /[*?[\]{}]/;

/**
 * Turns the operator's configured paths and globs into the ports that exist right now. A plain
 * path counts only while it exists (a pseudo-terminal link vanishes with its device); a glob is
 * expanded. Patterns that cannot be read are skipped, never fatal: a removed folder is normal.
 */
export async function resolveConfiguredPorts(patterns: readonly string[]): Promise<SerialDeviceView[]> {
  const found = new Set<string>();
  for (const pattern of patterns) {
    if (globCharacters.test(pattern)) {
      try {
        for await (const path of glob(pattern)) {
          if (await isCharacterDevice(path)) found.add(path);
        }
      } catch {
        // The folder does not exist (yet); the next poll tries again.
      }
    } else if (await isCharacterDevice(pattern)) {
      found.add(pattern);
    }
  }
  return [...found].sort().map((path) => ({
    path,
    source: 'configured',
    vendorId: null,
    productId: null,
    serialNumber: null,
    manufacturer: null,
    location: null,
  }));
}

/** Serial ports are character devices; following links is what makes a pty symlink count. */
async function isCharacterDevice(path: string): Promise<boolean> {
  if (/^COM\d+$/i.test(path) || path.startsWith('\\\\.\\')) return true;
  try {
    return (await stat(path)).isCharacterDevice();
  } catch {
    return false;
  }
}
