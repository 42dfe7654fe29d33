import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PtyPair } from '../../../sandbox/devices/pty-pair.js';
import { runBenchHealth } from '../../../src/main/core/health/bench-health.js';
import { findPortHolders } from '../../../src/main/core/health/port-holder-check.js';
import type { BenchCheckView, BenchHealthView } from '../../../src/shared/view-models.js';

/**
 * The serial checks against real pseudo-terminals made by socat (which holds both ends of each, as
 * the pty's maker: that is the bench's cable, not a competing program), and a real child process
 * that holds the station's end open the way a forgotten serial monitor would.
 */

let directory: string;
let pair: PtyPair;
let holder: ChildProcess | undefined;

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'station-health-pty-'));
  pair = await PtyPair.create(join(directory, 'tty-bench'), join(directory, 'device-end'));
});

afterEach(async () => {
  if (holder && holder.exitCode === null && holder.signalCode === null) {
    const gone = new Promise((resolve) => holder?.once('exit', resolve));
    holder.kill('SIGKILL');
    await gone;
  }
  holder = undefined;
  await pair.destroy();
  rmSync(directory, { recursive: true, force: true });
});

function check(view: BenchHealthView, id: string): BenchCheckView {
  const found = view.checks.find((entry) => entry.id === id);
  if (!found) throw new Error(`no ${id} check in ${view.checks.map((entry) => entry.id).join(', ')}`);
  return found;
}

const health = (overrides: Partial<Parameters<typeof runBenchHealth>[0]> = {}) =>
  runBenchHealth({
    platform: process.platform,
    portPaths: [pair.stationPath],
    profile: undefined,
    profileSource: 'none',
    secretStorage: null,
    now: Date.now,
    ...overrides,
  });

describe.runIf(process.platform === 'linux')('serial checks on a real pseudo-terminal', () => {
  it('is ok for a port this user made: it may open it and nobody else holds it', async () => {
    const view = await health();
    const permission = check(view, 'serial-permission');
    expect(permission.status, permission.summary).toBe('ok');
    expect(permission.summary).toContain(`${pair.stationPath}: read/write as`);
    const held = check(view, 'port-held');
    expect(held.status, held.summary).toBe('ok');
    expect(held.summary).toMatch(/^No other program/);
    // Every check is answered, each in the contract's shape, even with no profile at all.
    expect(view.checks.map((entry) => entry.id)).toEqual([
      'serial-permission',
      'port-held',
      'aws-reachable',
      'clock-skew',
      'secret-storage',
    ]);
    expect(check(view, 'aws-reachable')).toMatchObject({ status: 'problem' });
    expect(check(view, 'aws-reachable').fix).toMatch(/Import amplify_outputs\.json or a station profile/);
  });

  it('is a problem for a user who is neither its owner nor in its group', async () => {
    // The same real device file, judged for another uid (nobody): the stat and /etc/group are real.
    const view = await health({ identity: { uid: 65534, gid: 65534, groups: [] } });
    const permission = check(view, 'serial-permission');
    expect(permission.status).toBe('problem');
    // The mode is the devpts mount's (0620 group tty on most systems, 0600 in some containers).
    expect(permission.summary).toMatch(/: this user may not open it \(mode 06[02]0, group \w+\)\.$/);
    expect(permission.summary.startsWith(pair.stationPath)).toBe(true);
    expect(permission.fix).toMatch(/pseudo-terminal, which belongs to the user who made it/);
  });

  it('names the program and pid that hold the port, and is ok again once it is gone', async () => {
    // A child with the station's end as its stdin, like a serial monitor left open.
    const fd = openSync(pair.stationPath, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
    try {
      holder = spawn('sleep', ['30'], { stdio: [fd, 'ignore', 'ignore'] });
    } finally {
      closeSync(fd);
    }
    const pid = holder.pid ?? -1;
    expect(pid).toBeGreaterThan(0);
    // The exec has replaced the forked copy of this process once comm reads "sleep".
    const deadline = Date.now() + 3000;
    for (;;) {
      const scan = await findPortHolders([pair.stationPath]);
      if (scan.holders.some((entry) => entry.name === 'sleep') || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const started = performance.now();
    const held = check(await health(), 'port-held');
    expect(performance.now() - started).toBeLessThan(5000);
    expect(held.status).toBe('problem');
    expect(held.summary).toContain(`${pair.stationPath} is open in sleep (pid ${pid})`);
    expect(held.command).toBe(`kill ${pid}`);
    // socat holds the pty too (it made it) and is not named.
    expect(held.summary).not.toMatch(/socat/);

    const gone = new Promise((resolve) => holder?.once('exit', resolve));
    holder.kill('SIGTERM');
    await gone;
    expect(check(await health(), 'port-held').status).toBe('ok');
  });

  it('leaves socat out because it holds the pty’s master end, and would name it otherwise', async () => {
    // socat really has the station's end open (so the rule is what keeps it out of the answer).
    const target = realpathSync(pair.stationPath);
    const socatHolds = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .some((pid) => {
        try {
          if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'socat') return false;
          return readdirSync(`/proc/${pid}/fd`).some(
            (fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === target,
          );
        } catch {
          return false;
        }
      });
    expect(socatHolds).toBe(true);
    const scan = await findPortHolders([pair.stationPath]);
    expect(scan.holders).toEqual([]);
    // The device end's pty is a different one: socat holds it too, as its maker.
    expect(realpathSync(pair.devicePath)).not.toBe(realpathSync(pair.stationPath));
    expect((await findPortHolders([pair.devicePath])).holders).toEqual([]);
  });
});
