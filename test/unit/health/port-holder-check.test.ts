import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findPortHolders,
  portHolderCheck,
  type PortHolderScan,
} from '../../../src/main/core/health/port-holder-check.js';
import { udevRuleInstallCommand } from '../../../src/main/core/health/udev-rule.js';

/**
 * The scan against a folder laid out like /proc (pid/fd symlinks, pid/comm, pid/fdinfo). The
 * symlinks point at device files that need not exist: the scan compares the link text, as it does
 * with /proc. The ports themselves must resolve, so they are real paths here (/dev/null, /dev/zero).
 */
describe('findPortHolders over a /proc-shaped folder', () => {
  let proc: string;

  beforeEach(() => {
    proc = mkdtempSync(join(tmpdir(), 'station-proc-'));
  });
  afterEach(() => {
    rmSync(proc, { recursive: true, force: true });
  });

  function processEntry(
    pid: number,
    name: string,
    fds: Record<string, string>,
    fdinfo: Record<string, string> = {},
  ) {
    mkdirSync(join(proc, String(pid), 'fd'), { recursive: true });
    mkdirSync(join(proc, String(pid), 'fdinfo'), { recursive: true });
    writeFileSync(join(proc, String(pid), 'comm'), `${name}\n`);
    for (const [fd, target] of Object.entries(fds)) symlinkSync(target, join(proc, String(pid), 'fd', fd));
    for (const [fd, info] of Object.entries(fdinfo))
      writeFileSync(join(proc, String(pid), 'fdinfo', fd), info);
  }

  it('names every other process holding a port, never this one', async () => {
    processEntry(100, 'minicom', { '0': '/dev/pts/3', '3': '/dev/null' });
    processEntry(200, 'station', { '7': '/dev/null' });
    processEntry(300, 'bash', { '0': '/dev/zero' });
    mkdirSync(join(proc, 'self'));
    writeFileSync(join(proc, 'uptime'), '1 1');
    const scan = await findPortHolders(['/dev/null'], { procRoot: proc, selfPid: 200 });
    expect(scan).toEqual({
      holders: [{ pid: 100, name: 'minicom', path: '/dev/null' }],
      unreadable: [],
      complete: true,
    });
  });

  it('reports the port as the bench knows it, through a symlink', async () => {
    const link = join(proc, 'by-id-adapter');
    symlinkSync('/dev/zero', link);
    processEntry(41, 'ModemManager', { '9': '/dev/zero' });
    const scan = await findPortHolders([link], { procRoot: proc, selfPid: 1 });
    expect(scan.holders).toEqual([{ pid: 41, name: 'ModemManager', path: link }]);
  });

  it('stops at its deadline and says so', async () => {
    for (let pid = 1; pid <= 50; pid++) processEntry(pid, 'idle', { '0': '/dev/null' });
    const scan = await findPortHolders(['/dev/zero'], { procRoot: proc, selfPid: 0, deadlineMs: 0 });
    expect(scan.complete).toBe(false);
  });

  it('finds nothing, and does not throw, when /proc is missing or a port does not exist', async () => {
    expect(await findPortHolders(['/dev/null'], { procRoot: join(proc, 'absent') })).toMatchObject({
      holders: [],
      complete: false,
    });
    expect(await findPortHolders([join(proc, 'no-such-port')], { procRoot: proc })).toEqual({
      holders: [],
      unreadable: [],
      complete: true,
    });
  });
});

describe('portHolderCheck', () => {
  const scan = (partial: Partial<PortHolderScan>): PortHolderScan => ({
    holders: [],
    unreadable: [],
    complete: true,
    ...partial,
  });

  it('names the holder and its pid, with the command that ends it', () => {
    const check = portHolderCheck(
      'linux',
      1,
      scan({ holders: [{ pid: 4321, name: 'screen', path: '/dev/ttyUSB0' }] }),
    );
    expect(check.status).toBe('problem');
    expect(check.summary).toMatch(/\/dev\/ttyUSB0 is open in screen \(pid 4321\)/);
    expect(check.fix).toMatch(/Close screen \(pid 4321\)/);
    expect(check.command).toBe('kill 4321');
  });

  it('gives ModemManager its own fix: stop it, or the udev rule’s ID_MM_DEVICE_IGNORE', () => {
    const check = portHolderCheck(
      'linux',
      1,
      scan({ holders: [{ pid: 812, name: 'ModemManager', path: '/dev/ttyACM0' }] }),
    );
    expect(check).toMatchObject({ status: 'problem', command: 'sudo systemctl stop ModemManager' });
    expect(check.fix).toMatch(/ID_MM_DEVICE_IGNORE/);
    // Right for every way of running: the deb's rule is not named as if it were there, and the
    // command that installs it without the deb is given whole.
    expect(check.fix).toContain(`without the deb, install it with \`${udevRuleInstallCommand()}\``);
    expect(check.fix).not.toMatch(/\/opt\/|\/usr\/lib\//);
    const unseen = portHolderCheck('linux', 1, scan({ unreadable: [{ pid: 812, name: 'ModemManager' }] }));
    expect(unseen).toMatchObject({ status: 'warning', command: 'sudo systemctl stop ModemManager' });
  });

  it('is ok when nobody holds a port, saying what it could not see', () => {
    expect(portHolderCheck('linux', 2, scan({})).summary).toBe('No other program has a bench port open.');
    const partial = portHolderCheck(
      'linux',
      2,
      scan({ complete: false, unreadable: [{ pid: 1, name: 'systemd' }] }),
    );
    expect(partial.status).toBe('ok');
    expect(partial.summary).toMatch(/time limit; 1 processes of other users could not be looked into/);
    expect(portHolderCheck('win32', 2, null).summary).toMatch(/Not checked on this platform/);
    expect(portHolderCheck('linux', 0, null).summary).toBe('No bench port to check.');
  });
});
