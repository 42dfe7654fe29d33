import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchCheckView } from '../../../shared/view-models.js';
import { localUdevRulesPath, udevRuleInstallCommand } from './udev-rule.js';

/**
 * Which other programs have a bench port open, found the way fuser does it on Linux: every
 * /proc/<pid>/fd entry is a symlink to what the descriptor has open. The scan is bounded (a deadline
 * and a few processes at a time) and never throws: what it could not look at is counted, not fatal.
 */

export interface PortHolder {
  pid: number;
  /** The program's name (/proc/<pid>/comm). */
  name: string;
  /** The bench port as the station knows it. */
  path: string;
}

export interface PortHolderScan {
  holders: PortHolder[];
  /** Processes whose descriptors this user may not list (other users' programs, when not root). */
  unreadable: { pid: number; name: string }[];
  /** False when the deadline stopped the scan before every process was looked at. */
  complete: boolean;
}

export interface PortHolderScanOptions {
  /** Where /proc is (a test points it at a folder laid out the same way). */
  procRoot?: string;
  /** This process: the station's own descriptors are not "another program". */
  selfPid?: number;
  deadlineMs?: number;
  /** Processes looked at in parallel. */
  concurrency?: number;
}

const defaultDeadlineMs = 2000;

export async function findPortHolders(
  paths: readonly string[],
  options: PortHolderScanOptions = {},
): Promise<PortHolderScan> {
  const procRoot = options.procRoot ?? '/proc';
  const selfPid = options.selfPid ?? process.pid;
  const deadline = performance.now() + (options.deadlineMs ?? defaultDeadlineMs);
  const result: PortHolderScan = { holders: [], unreadable: [], complete: true };

  // The device file each port leads to (a symlink in /dev/serial/by-id or a configured link).
  const targets = new Map<string, string>();
  for (const path of paths) {
    const resolved = await realpath(path).catch(() => undefined);
    if (resolved) targets.set(resolved, path);
  }
  if (targets.size === 0) return result;
  // Which targets are pseudo-terminals, by their /dev/pts/<index>.
  const ptyIndexOf = new Map<string, number>();
  for (const target of targets.keys()) {
    const match = /^\/dev\/pts\/(\d+)$/.exec(target);
    if (match) ptyIndexOf.set(target, Number(match[1]));
  }

  let pids: number[];
  try {
    pids = (await readdir(procRoot))
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((pid) => pid !== selfPid);
  } catch {
    return { ...result, complete: false };
  }

  const scanProcess = async (pid: number) => {
    const fdFolder = join(procRoot, String(pid), 'fd');
    let fds: string[];
    try {
      fds = await readdir(fdFolder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') {
        result.unreadable.push({ pid, name: await processName(procRoot, pid) });
      }
      return; // ENOENT: the process ended meanwhile
    }
    const held = new Set<string>();
    // A pseudo-terminal's master end belongs to whoever made it (socat, a simulator): it holds the
    // slave open too, and is the bench's cable, not a program competing for the port.
    const mastersOf = new Set<number>();
    for (const fd of fds) {
      if (performance.now() > deadline) {
        result.complete = false;
        break;
      }
      const link = await readlink(join(fdFolder, fd)).catch(() => undefined);
      if (link === undefined) continue;
      if (targets.has(link)) held.add(link);
      else if (link === '/dev/ptmx' && ptyIndexOf.size > 0) {
        const index = await masterIndex(join(procRoot, String(pid), 'fdinfo', fd));
        if (index !== undefined) mastersOf.add(index);
      }
    }
    if (held.size === 0) return;
    const name = await processName(procRoot, pid);
    for (const target of held) {
      const index = ptyIndexOf.get(target);
      if (index !== undefined && mastersOf.has(index)) continue;
      result.holders.push({ pid, name, path: targets.get(target) ?? target });
    }
  };

  let next = 0;
  const worker = async () => {
    while (next < pids.length) {
      if (performance.now() > deadline) {
        result.complete = false;
        return;
      }
      const pid = pids[next++]!;
      try {
        await scanProcess(pid);
      } catch {
        // One odd process (a /proc entry that changes under us) never ends the scan.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  result.holders.sort((a, b) => a.pid - b.pid || a.path.localeCompare(b.path));
  result.unreadable.sort((a, b) => a.pid - b.pid);
  return result;
}

async function processName(procRoot: string, pid: number): Promise<string> {
  try {
    return (await readFile(join(procRoot, String(pid), 'comm'), 'utf8')).trim() || `pid ${pid}`;
  } catch {
    return `pid ${pid}`;
  }
}

/** The `tty-index:` line of a /dev/ptmx descriptor's fdinfo: which /dev/pts/N it is the master of. */
async function masterIndex(fdinfoPath: string): Promise<number | undefined> {
  try {
    const match = /^tty-index:\s*(\d+)\s*$/m.exec(await readFile(fdinfoPath, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

const id = 'port-held';
const title = 'Port held by another program';

/** Programs known to open serial ports on their own, and how to stop them doing it. */
const knownGrabbers: Record<string, { fix: string; command: string }> = {
  ModemManager: {
    fix: `ModemManager probes new serial ports for modems and holds them meanwhile. Stop it, or keep it off bench adapters with the station's udev rule, which sets ENV{ID_MM_DEVICE_IGNORE}="1" for the adapters it knows: the deb installs it; without the deb, install it with \`${udevRuleInstallCommand()}\`. For an adapter the rule does not know, add a line for it to ${localUdevRulesPath}. Then re-plug the adapter.`,
    command: 'sudo systemctl stop ModemManager',
  },
  brltty: {
    fix: 'brltty (Braille display support) claims some USB serial adapters (CH340/CH341). Stop it, or remove it if nobody uses a Braille display, then re-plug the adapter.',
    command: 'sudo systemctl stop brltty-udev.service brltty.service',
  },
};

/** The port-held check's verdict from a scan (pure). */
export function portHolderCheck(
  platform: NodeJS.Platform,
  portCount: number,
  scan: PortHolderScan | null,
): BenchCheckView {
  if (portCount === 0) {
    return { id, title, status: 'ok', summary: 'No bench port to check.', fix: null, command: null };
  }
  if (platform !== 'linux' || !scan) {
    return {
      id,
      title,
      status: 'ok',
      summary:
        'Not checked on this platform. If a port will not open, close other programs that use serial ports (a serial monitor, a terminal program, another station).',
      fix: null,
      command: null,
    };
  }
  if (scan.holders.length > 0) {
    const summary = `${scan.holders.map((holder) => `${holder.path} is open in ${holder.name} (pid ${holder.pid})`).join('; ')}. The station cannot talk to a device while another program has its port.`;
    const known = scan.holders
      .map((holder) => knownGrabbers[holder.name])
      .find((entry) => entry !== undefined);
    if (known) return { id, title, status: 'problem', summary, ...known };
    const pids = [...new Set(scan.holders.map((holder) => holder.pid))];
    const names = [...new Set(scan.holders.map((holder) => `${holder.name} (pid ${holder.pid})`))].join(', ');
    return {
      id,
      title,
      status: 'problem',
      summary,
      fix: `Close ${names}, or end it with the command below; then re-plug the adapter.`,
      command: `kill ${pids.join(' ')}`,
    };
  }
  // Other users' programs (ModemManager runs as root) cannot be looked into without root; its name can.
  const grabber = scan.unreadable.find((entry) => knownGrabbers[entry.name] !== undefined);
  if (grabber) {
    return {
      id,
      title,
      status: 'warning',
      summary: `${grabber.name} is running (pid ${grabber.pid}); it may open a serial port for a while after it appears. Its open files cannot be seen without root.`,
      ...knownGrabbers[grabber.name]!,
    };
  }
  const partial = [
    scan.complete ? '' : 'the scan stopped at its time limit',
    scan.unreadable.length > 0
      ? `${scan.unreadable.length} processes of other users could not be looked into`
      : '',
  ].filter((part) => part !== '');
  return {
    id,
    title,
    status: 'ok',
    summary:
      partial.length > 0
        ? `No other program of this user has a bench port open (${partial.join('; ')}).`
        : 'No other program has a bench port open.',
    fix: null,
    command: null,
  };
}
