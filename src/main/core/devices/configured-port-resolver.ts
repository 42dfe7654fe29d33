import { opendir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SerialDeviceView } from '../../../shared/view-models.js';
import {
  compileNameMatcher,
  isPortGlob,
  isWindowsPort,
  portPatternProblem,
} from '../../../shared/serial-port-pattern.js';

/** How much one scan may do; a pattern that would do more stops there and says so. */
export interface PortScanLimits {
  /** Folder entries read for one glob. */
  entriesPerPattern: number;
  /** Ports one glob may contribute. */
  matchesPerPattern: number;
  /** Ports all configured patterns together may contribute. */
  totalPorts: number;
  /** Wall time for one whole scan, in milliseconds. */
  scanMs: number;
}

export const defaultPortScanLimits: PortScanLimits = {
  entriesPerPattern: 4096,
  matchesPerPattern: 128,
  totalPorts: 512,
  scanMs: 500,
};

export interface PortScanOptions {
  limits?: Partial<PortScanLimits>;
  /** Milliseconds; injected so a test can make a scan run out of time. */
  now?: () => number;
}

export interface PortScan {
  ports: SerialDeviceView[];
  /** Patterns refused or cut short, in words for the log (the same text each scan, so callers can say it once). */
  warnings: string[];
}

/**
 * Turns the operator's configured paths and globs into the ports that exist right now. A plain
 * path counts only while it exists (a pseudo-terminal link vanishes with its device); a glob lists
 * its one folder (src/shared/serial-port-pattern.ts says what a pattern may be). Folders that cannot
 * be read are skipped, never fatal: a removed folder is normal. Every scan is bounded in entries
 * read, ports found and time.
 */
export async function scanConfiguredPorts(
  patterns: readonly string[],
  options: PortScanOptions = {},
): Promise<PortScan> {
  const limits = { ...defaultPortScanLimits, ...options.limits };
  const now = options.now ?? (() => performance.now());
  const deadline = now() + limits.scanMs;
  const found = new Set<string>();
  const warnings: string[] = [];

  for (const pattern of patterns) {
    if (found.size >= limits.totalPorts) {
      warnings.push(
        `devices: configured ports stop at ${limits.totalPorts}; the remaining patterns were not scanned.`,
      );
      break;
    }
    if (now() > deadline) {
      warnings.push(
        `devices: scanning configured ports took over ${limits.scanMs} ms; stopped before "${pattern}". Use narrower patterns.`,
      );
      break;
    }
    const problem = portPatternProblem(pattern);
    if (problem) {
      warnings.push(`devices: ignoring the port pattern "${pattern}": ${problem}`);
      continue;
    }
    if (!isPortGlob(pattern)) {
      if (await isCharacterDevice(pattern)) found.add(pattern);
      continue;
    }
    const stopped = await listFolder(pattern, limits, deadline, now, found);
    if (stopped) warnings.push(`devices: the port pattern "${pattern}" ${stopped}; narrow it.`);
  }

  const ports = [...found].sort().map<SerialDeviceView>((path) => ({
    path,
    source: 'configured',
    vendorId: null,
    productId: null,
    serialNumber: null,
    manufacturer: null,
    location: null,
  }));
  return { ports, warnings };
}

/** Adds the glob's matching character devices to `found`; returns why it stopped early, if it did. */
async function listFolder(
  pattern: string,
  limits: PortScanLimits,
  deadline: number,
  now: () => number,
  found: Set<string>,
): Promise<string | undefined> {
  const folder = dirname(pattern);
  const matches = compileNameMatcher(basename(pattern));
  let entries = 0;
  let matched = 0;
  try {
    const directory = await opendir(folder, { bufferSize: 64 });
    for await (const entry of directory) {
      if (++entries > limits.entriesPerPattern)
        return `matched a folder of more than ${limits.entriesPerPattern} entries`;
      if (now() > deadline) return `took over ${limits.scanMs} ms`;
      if (!matches(entry.name)) continue;
      const path = join(folder, entry.name);
      // Plain files and folders are not ports; links (by-id names, pty links) and unknown types are followed.
      if (entry.isFile() || entry.isDirectory()) continue;
      if (!entry.isCharacterDevice() && !(await isCharacterDevice(path))) continue;
      if (++matched > limits.matchesPerPattern || found.size >= limits.totalPorts) {
        return `matched more than ${Math.min(limits.matchesPerPattern, limits.totalPorts)} ports`;
      }
      found.add(path);
    }
  } catch {
    // The folder does not exist (yet) or cannot be read; the next poll tries again.
  }
  return undefined;
}

/** Serial ports are character devices; following links is what makes a pty symlink count. */
async function isCharacterDevice(path: string): Promise<boolean> {
  if (isWindowsPort(path)) return true;
  try {
    return (await stat(path)).isCharacterDevice();
  } catch {
    return false;
  }
}
