import { readFile, realpath, stat } from 'node:fs/promises';
import type { BenchCheckView } from '../../../shared/view-models.js';
import { localUdevRulesPath, shellQuote, udevReloadCommand, udevRuleInstallCommand } from './udev-rule.js';

/**
 * Whether this station may open each bench port for reading and writing, decided the way the Linux
 * kernel decides it (owner bits, else group bits, else the others' bits; root may always), from the
 * device file's mode and owner and the process's uid and groups. Opening the port to find out would
 * disturb a device mid-provisioning; a stat does not.
 */

export interface FileOwnership {
  mode: number;
  uid: number;
  gid: number;
}

export interface ProcessIdentity {
  uid: number;
  gid: number;
  /** Supplementary groups, as process.getgroups() gives them. */
  groups: readonly number[];
}

export type AccessClass = 'root' | 'owner' | 'group' | 'others';

export interface AccessDecision {
  readWrite: boolean;
  /** Which permission bits the kernel applies to this process. */
  as: AccessClass;
}

/** Read and write access to a device file, as the kernel's permission check grants it. */
export function decideReadWrite(file: FileOwnership, who: ProcessIdentity): AccessDecision {
  if (who.uid === 0) return { readWrite: true, as: 'root' };
  const readWriteAt = (shift: number) => ((file.mode >> shift) & 0o6) === 0o6;
  // Only one class applies: an owner denied by the owner bits is not rescued by the group bits.
  if (who.uid === file.uid) return { readWrite: readWriteAt(6), as: 'owner' };
  if (who.gid === file.gid || who.groups.includes(file.gid))
    return { readWrite: readWriteAt(3), as: 'group' };
  return { readWrite: readWriteAt(0), as: 'others' };
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** `/etc/group` lines: `name:x:gid:member,member`. Lines that do not parse are skipped. */
export function parseGroupFile(text: string): GroupEntry[] {
  const entries: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(':');
    if (fields.length < 3 || fields[0] === '' || line.startsWith('#')) continue;
    const gid = Number(fields[2]);
    if (!Number.isInteger(gid) || gid < 0) continue;
    const members = (fields[3] ?? '').split(',').filter((member) => member !== '');
    entries.push({ name: fields[0] ?? '', gid, members });
  }
  return entries;
}

/** The system's groups; none where the file is absent or unreadable (Windows, a locked-down host). */
export async function readGroupFile(path = '/etc/group'): Promise<GroupEntry[]> {
  try {
    return parseGroupFile(await readFile(path, 'utf8'));
  } catch {
    return [];
  }
}

/** This process's uid and groups; null where the platform has none (Windows). */
export function currentIdentity(): ProcessIdentity | null {
  if (!process.getuid || !process.getgid || !process.getgroups) return null;
  return { uid: process.getuid(), gid: process.getgid(), groups: process.getgroups() };
}

export interface PortAccessFacts {
  /** The path the bench knows the port by (a configured symlink, /dev/serial/by-id/…, COM3). */
  path: string;
  /** The device file it leads to, once symlinks are followed. */
  realPath: string | null;
  file: FileOwnership | null;
  /** Why the device file could not be looked at (an errno code). */
  error: string | null;
}

export async function readPortAccess(path: string): Promise<PortAccessFacts> {
  try {
    const [resolved, info] = await Promise.all([realpath(path), stat(path)]);
    return { path, realPath: resolved, file: { mode: info.mode, uid: info.uid, gid: info.gid }, error: null };
  } catch (error) {
    return { path, realPath: null, file: null, error: (error as NodeJS.ErrnoException).code ?? 'error' };
  }
}

// Re-exported: bench-health.ts imports the path from this module.
export { packagedUdevRulesPath } from './udev-rule.js';

export interface SerialPermissionFacts {
  platform: NodeJS.Platform;
  ports: readonly PortAccessFacts[];
  /** Null where the platform has no uids (Windows). */
  who: ProcessIdentity | null;
  /** The operating-system user the station runs as (for /etc/group membership). */
  username: string | null;
  groups: readonly GroupEntry[];
  /** Where the deb installs the station's udev rule (udev-rule.ts). */
  udevRulesPath: string;
  /**
   * Whether that file is there (isUdevRuleInstalled): installed from the deb. Only then does a hint
   * name it; when not looked at, the hint installs the rule as for an AppImage or npm start.
   */
  udevRulesInstalled?: boolean;
}

const id = 'serial-permission';
const title = 'Serial port permission';

/** The serial-permission check's verdict from facts already gathered (pure, so every case is tested). */
export function serialPermissionCheck(facts: SerialPermissionFacts): BenchCheckView {
  if (facts.ports.length === 0) {
    const example = facts.platform === 'win32' ? 'COM3' : '/dev/ttyUSB0 or /dev/serial/by-id/*';
    return {
      id,
      title,
      status: 'warning',
      summary: 'No serial device is plugged in or configured, so there is no port to check.',
      fix: `Plug in the device's USB serial adapter, or add its port under Settings → Serial ports (e.g. ${example}); then check again.`,
      command: null,
    };
  }
  const paths = facts.ports.map((port) => port.path).join(', ');
  if (facts.platform === 'win32') {
    return ok(
      `Windows has no permission groups for serial ports; ${countPorts(facts.ports.length)}: ${paths}.`,
    );
  }
  if (facts.platform === 'darwin') {
    return ok(`macOS needs no permission for serial ports; ${countPorts(facts.ports.length)}: ${paths}.`);
  }
  const who = facts.who;
  if (!who) return ok(`This platform reports no user ids; ${countPorts(facts.ports.length)}: ${paths}.`);

  const groupName = (gid: number) => facts.groups.find((group) => group.gid === gid)?.name ?? `gid ${gid}`;
  const lines: string[] = [];
  let denied: { port: PortAccessFacts; file: FileOwnership } | undefined;
  let unreadable = false;
  for (const port of facts.ports) {
    if (!port.file) {
      unreadable = true;
      lines.push(`${port.path} could not be checked (${port.error ?? 'error'})`);
      continue;
    }
    const decision = decideReadWrite(port.file, who);
    const owner = `mode ${octal(port.file.mode)}, group ${groupName(port.file.gid)}`;
    if (decision.readWrite) {
      lines.push(
        `${port.path}: read/write as ${describeClass(decision.as, port.file, groupName)} (${owner})`,
      );
    } else {
      denied ??= { port, file: port.file };
      lines.push(`${port.path}: this user may not open it (${owner})`);
    }
  }
  const summary = `${lines.join('; ')}.`;
  if (denied) return { id, title, status: 'problem', summary, ...deniedFix(denied.port, denied.file, facts) };
  if (unreadable) {
    return {
      id,
      title,
      status: 'warning',
      summary,
      fix: 'A port went away or cannot be looked at: re-plug the adapter and check again.',
      command: null,
    };
  }
  return { id, title, status: 'ok', summary, fix: null, command: null };
}

function ok(summary: string): BenchCheckView {
  return { id, title, status: 'ok', summary, fix: null, command: null };
}

function countPorts(count: number): string {
  return count === 1 ? '1 port found' : `${count} ports found`;
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

function describeClass(as: AccessClass, file: FileOwnership, groupName: (gid: number) => string): string {
  if (as === 'root') return 'root';
  if (as === 'owner') return 'its owner';
  if (as === 'group') return `a member of ${groupName(file.gid)}`;
  return 'anyone';
}

/** Group names as they may appear in a shell command unquoted. */
const plainGroupName = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function deniedFix(
  port: PortAccessFacts,
  file: FileOwnership,
  facts: SerialPermissionFacts,
): Pick<BenchCheckView, 'fix' | 'command'> {
  if (port.realPath?.startsWith('/dev/pts/')) {
    return {
      fix: `${port.path} is a pseudo-terminal, which belongs to the user who made it: run the simulator (or socat) as the same user as the station.`,
      command: null,
    };
  }
  const group = facts.groups.find((entry) => entry.gid === file.gid);
  const groupGrants = ((file.mode >> 3) & 0o6) === 0o6;
  if (group && groupGrants && group.gid !== 0 && plainGroupName.test(group.name)) {
    const listed = facts.username !== null && group.members.includes(facts.username);
    if (listed) {
      return {
        fix: `You are in the ${group.name} group, but this session started before you were added: log out and in again (or restart the computer), then start the station.`,
        command: null,
      };
    }
    // The adapter has a group that may open it already: joining it is all, the udev rule adds nothing.
    return {
      fix: `Add yourself to the ${group.name} group, then log out and in again.`,
      command: `sudo usermod -aG ${group.name} "$USER"`,
    };
  }
  const joinDialout = inDialout(facts) ? '' : ' && sudo usermod -aG dialout "$USER"';
  const relogin = inDialout(facts)
    ? ''
    : '; then log out and in again (the command also adds you to the dialout group)';
  const unknownVendor = `the rule does not know the adapter's vendor: add a line for the idVendor that \`udevadm info --attribute-walk --name=${shellQuote(port.path)} | grep idVendor\` shows to ${localUdevRulesPath}`;
  if (facts.udevRulesInstalled === true) {
    return {
      fix: `No group may open ${port.path} (mode ${octal(file.mode)}), though the station's udev rule is installed (${facts.udevRulesPath}). Apply it with the command below (or re-plug the adapter)${relogin}. If the adapter still has no group, ${unknownVendor} (start it as a copy of the installed rule: udev then reads it instead, and upgrades leave it alone), and run the command again.`,
      command: `${udevReloadCommand}${joinDialout}`,
    };
  }
  return {
    fix: `No group may open ${port.path} (mode ${octal(file.mode)}). Install the station's udev rule, which gives common USB serial adapters the dialout group and mode 0660: the command below writes it to ${localUdevRulesPath} (unless a file of that name is there already) and applies it${relogin}. If the adapter still has no group, ${unknownVendor}, and run the command again.`,
    command: `${udevRuleInstallCommand()}${joinDialout}`,
  };
}

/** Whether this process is in the dialout group already: the group the udev rule gives adapters. */
function inDialout(facts: SerialPermissionFacts): boolean {
  const dialout = facts.groups.find((entry) => entry.name === 'dialout');
  if (!dialout || !facts.who) return false;
  return facts.who.gid === dialout.gid || facts.who.groups.includes(dialout.gid);
}
