import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IpcInvokeListener, IpcMainTransport } from '../../../src/main/core/ipc/ipc-transport.js';
import { registerHandlers, type Handlers } from '../../../src/main/core/ipc/register-handlers.js';
import { StationCore, type StationCoreOptions } from '../../../src/main/core/station-core.js';
import { recordProcessCrashes } from '../../../src/main/shell/crash-recording.js';
import { invokeChannelNames } from '../../../src/shared/ipc-channels.js';
import { invokeSchemas } from '../../../src/shared/ipc-contract.js';
import { responseSchemas } from '../../../src/shared/ipc-output-schemas.js';
import { RecordingIpcTransport } from '../../support/recording-ipc-transport.js';
import { makeSecretSamples, pemBody, type SecretSamples } from './secret-samples.js';

/**
 * logs.folder, logs.openFolder and diagnostics.report on a real StationCore (no profile, no
 * devices), through the real handler registration: what they answer, what they refuse, and what
 * ends up in the log file.
 */

let s: SecretSamples;
beforeAll(async () => {
  s = await makeSecretSamples();
});

const cleanUps: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
});

async function station(options: Partial<StationCoreOptions> = {}) {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'station-logs-ipc-'));
  cleanUps.push(() => rmSync(dataDirectory, { recursive: true, force: true }));
  const lines: string[] = [];
  const core = new StationCore({
    appName: 'Provisioning Station',
    appVersion: '0.0.0-test',
    runtime: { electron: null, chrome: null, node: process.versions.node },
    dataDirectory,
    secretStorage: null,
    listSystemPorts: () => Promise.resolve([]),
    useUsbHotplug: false,
    log: (line) => lines.push(line),
    ...options,
  });
  const transport = new RecordingIpcTransport();
  core.connect(transport, (sender) => sender.id === transport.sender.id);
  await core.start();
  cleanUps.push(() => core.stop());
  const logFile = join(options.logDirectory ?? join(dataDirectory, 'logs'), 'station.log');
  // Nothing logged yet, no file yet.
  const logText = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  return { core, transport, dataDirectory, lines, logText };
}

describe('logs.folder and logs.openFolder', () => {
  it('name <dataDirectory>/logs by default, or the folder given', async () => {
    const { transport, dataDirectory } = await station();
    expect(await transport.call('logs.folder')).toEqual({ path: join(dataDirectory, 'logs') });
    const elsewhere = mkdtempSync(join(tmpdir(), 'station-logs-elsewhere-'));
    cleanUps.push(() => rmSync(elsewhere, { recursive: true, force: true }));
    const other = await station({ logDirectory: elsewhere });
    expect(await other.transport.call('logs.folder')).toEqual({ path: elsewhere });
  });

  it('without an openFolder (the harness): says it could not open it, and gives the path', async () => {
    const { transport, dataDirectory } = await station();
    const answer = await transport.call('logs.openFolder');
    const path = join(dataDirectory, 'logs');
    expect(answer).toMatchObject({ path, opened: false });
    expect(answer.message).toContain('cannot open folders here');
    expect(answer.message).toContain(path);
  });

  it('opens the log folder with the injected openFolder, and reports its failure in plain words', async () => {
    const opened: string[] = [];
    let problem = '';
    const { transport, dataDirectory, lines } = await station({
      openFolder: (path) => {
        opened.push(path);
        return Promise.resolve(problem);
      },
    });
    const path = join(dataDirectory, 'logs');
    expect(await transport.call('logs.openFolder')).toEqual({ path, opened: true, message: null });
    expect(opened).toEqual([path]);
    problem = 'Failed to open path';
    const failed = await transport.call('logs.openFolder');
    expect(failed).toMatchObject({ path, opened: false });
    expect(failed.message).toBe(
      `The log folder could not be opened (Failed to open path). Open ${path} in a file manager.`,
    );
    expect(lines).toContain('logs: the log folder could not be opened: Failed to open path');
  });

  it('answers pass their strict output schemas (an undeclared field is refused)', async () => {
    const { transport } = await station();
    const folder = await transport.call('logs.folder');
    expect(responseSchemas['logs.folder'].safeParse(folder).success).toBe(true);
    expect(responseSchemas['logs.folder'].safeParse({ ...folder, extra: 1 }).success).toBe(false);
    const opened = await transport.call('logs.openFolder');
    expect(responseSchemas['logs.openFolder'].safeParse({ ...opened, stack: 'x' }).success).toBe(false);
  });
});

describe('diagnostics.report', () => {
  it('remembers the screen, and writes a renderer problem to the log file as a redacted crash entry', async () => {
    const { transport, logText } = await station();
    expect(await transport.call('diagnostics.report', { kind: 'screen', screen: 'history' })).toEqual({
      recorded: true,
    });
    await transport.call('history.batches').catch(() => undefined);
    const receipt = await transport.call('diagnostics.report', {
      kind: 'window-error',
      screen: 'health',
      name: 'TypeError',
      message: `x is undefined; token ${s.jwt}`,
      stack: `TypeError: x is undefined\n    at onClick (app://station/assets/index.js:1:99)\n${s.rsaPkcs8Pem}`,
    });
    expect(receipt).toEqual({ recorded: true });
    const text = logText();
    expect(text).toMatch(/\d{4}-\d\d-\d\dT[\d:.]+Z CRASH #1 begin: renderer, uncaught error in the page\n/);
    expect(text).toContain('CRASH #1 error: TypeError: x is undefined; token [redacted token]');
    expect(text).toContain('CRASH #1 stack: at onClick (app://station/assets/index.js:1:99)');
    // The screen the problem happened on, and the channels called before it (names only): the
    // operator's calls, not the page's own screen and problem reports.
    expect(text).toContain('CRASH #1 operator: not signed in; screen: health');
    expect(text).toMatch(/CRASH #1 recent IPC \(1, oldest first\): [\d:.]+Z history\.batches\n/);
    expect(text).not.toContain(s.jwt.split('.')[2]!.slice(0, 24));
    const body = pemBody(s.rsaPkcs8Pem).replace(/\s/g, '');
    for (let at = 0; at + 24 <= body.length; at += 24) expect(text).not.toContain(body.slice(at, at + 24));
  });

  it('writes at most ten problem reports a minute, then says how many it dropped', async () => {
    let now = Date.parse('2026-03-01T08:00:00.000Z');
    const { transport, logText } = await station({
      clock: { now: () => now, setTimer: () => () => undefined },
    });
    const report = (index: number) =>
      transport.call('diagnostics.report', {
        kind: 'render-error',
        screen: 'batch-queue',
        name: 'Error',
        message: `draw failed ${index}`,
        stack: null,
      });
    const receipts = [];
    for (let index = 0; index < 14; index++) receipts.push(await report(index));
    expect(receipts.filter((receipt) => receipt.recorded)).toHaveLength(10);
    expect(logText().match(/CRASH #\d+ begin/g)).toHaveLength(10);
    now += 61_000;
    expect(await report(99)).toEqual({ recorded: true });
    expect(logText()).toContain(
      'crash: 4 renderer problem report(s) were not written (more than 10 a minute)',
    );
    expect(logText()).toContain('CRASH #11 error: Error: draw failed 99');
  });

  it.each([
    ['an unknown kind', { kind: 'oops', screen: 'health' }],
    ['an unknown screen', { kind: 'screen', screen: 'settings' }],
    ['an undeclared field', { kind: 'screen', screen: 'health', url: 'app://station/' }],
    [
      'a message over 2000 characters',
      { kind: 'window-error', screen: 'health', name: 'Error', message: 'a'.repeat(2001), stack: null },
    ],
    [
      'a stack over 8000 characters',
      { kind: 'window-error', screen: 'health', name: 'Error', message: 'm', stack: 'a'.repeat(8001) },
    ],
    [
      'a name with a control character',
      { kind: 'window-error', screen: 'health', name: 'Err\u0007', message: 'm', stack: null },
    ],
    ['a problem without its fields', { kind: 'unhandled-rejection', screen: 'health' }],
  ])('refuses %s, and writes nothing for it', async (_what, report) => {
    expect(invokeSchemas['diagnostics.report'].safeParse([report]).success).toBe(false);
    const { transport, logText } = await station();
    const result = await transport.invokeRaw('diagnostics.report', [report]);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(logText()).not.toContain('CRASH');
  });

  it('core.recordCrash writes a main-process crash with the last screen and channels', async () => {
    const { core, transport, logText } = await station();
    await transport.call('diagnostics.report', { kind: 'screen', screen: 'profile' });
    await transport.call('profile.get');
    core.recordCrash({ where: 'main process', kind: 'uncaught exception', error: new RangeError('bad bay') });
    const text = logText();
    expect(text).toContain('CRASH #1 begin: main process, uncaught exception');
    expect(text).toContain('CRASH #1 error: RangeError: bad bay');
    expect(text).toContain('CRASH #1 operator: not signed in; screen: profile');
    expect(text).toMatch(/CRASH #1 recent IPC \(1, oldest first\): [\d:.]+Z profile\.get\n/);
  });

  it('keeps the operator’s calls in the entry however often the page reports', async () => {
    const { core, transport, logText } = await station();
    await transport.call('profile.get');
    await transport.call('devices.list');
    for (let index = 0; index < 30; index++) {
      await transport.call('diagnostics.report', {
        kind: 'screen',
        screen: index % 2 ? 'health' : 'history',
      });
    }
    core.recordCrash({ where: 'main process', kind: 'uncaught exception', error: new Error('late') });
    expect(logText()).toMatch(
      /CRASH #1 recent IPC \(2, oldest first\): [\d:.]+Z profile\.get, [\d:.]+Z devices\.list\n/,
    );
  });
});

describe('main-process crash entries', () => {
  /** A clock whose timers run when the test moves time on. */
  function steppedClock(start: number) {
    let now = start;
    const timers: { at: number; callback: () => void; cancelled: boolean }[] = [];
    return {
      clock: {
        now: () => now,
        setTimer: (ms: number, callback: () => void) => {
          const timer = { at: now + ms, callback, cancelled: false };
          timers.push(timer);
          return () => void (timer.cancelled = true);
        },
      },
      advance(ms: number) {
        now += ms;
        for (const timer of timers.splice(0)) {
          if (timer.cancelled) continue;
          if (timer.at <= now) timer.callback();
          else timers.push(timer);
        }
      },
      pending: () => timers.filter((timer) => !timer.cancelled).length,
    };
  }

  it('are written in full five times a minute; the rest become one line when the window reopens', async () => {
    const time = steppedClock(Date.parse('2026-03-01T08:00:00.000Z'));
    const { core, logText } = await station({ clock: time.clock });
    // The shell's handlers on a process that throws on every tick.
    const mainProcess = new EventEmitter();
    recordProcessCrashes(mainProcess, core);
    for (let index = 0; index < 12; index++) {
      mainProcess.emit('uncaughtException', new Error(`tick ${index} threw`));
      time.advance(1_000);
    }
    expect(logText().match(/CRASH #\d+ begin/g)).toHaveLength(5);
    expect(logText()).toContain('CRASH #5 error: Error: tick 4 threw');
    expect(logText()).not.toContain('tick 5 threw');
    expect(logText()).not.toContain('suppressed');

    // A minute after the first entry the window reopens: one line counts the seven left out.
    time.advance(48_000);
    expect(logText()).toMatch(
      /\d{4}-\d\d-\d\dT08:01:00\.000Z crash: 7 more main-process crash\(es\) suppressed \(at most 5 a minute are written in full\)\n$/,
    );
    expect(time.pending()).toBe(0);
    mainProcess.emit('unhandledRejection', new Error('after the pause'));
    expect(logText()).toContain('CRASH #6 begin: main process, unhandled promise rejection');
    expect(logText().match(/suppressed/g)).toHaveLength(1);
  });

  it('say what was left out at the next entry when no timer ran, and when the station stops', async () => {
    let now = Date.parse('2026-03-01T08:00:00.000Z');
    const { core, logText } = await station({ clock: { now: () => now, setTimer: () => () => undefined } });
    const crash = (what: string) =>
      core.recordCrash({ where: 'main process', kind: 'uncaught exception', error: new Error(what) });
    for (let index = 0; index < 8; index++) crash(`burst ${index}`);
    now += 61_000;
    crash('next minute');
    expect(logText()).toMatch(
      /crash: 3 more main-process crash\(es\) suppressed .*\n.* CRASH #6 begin: main process, uncaught exception\n/,
    );
    for (let index = 0; index < 6; index++) crash(`second burst ${index}`);
    expect(logText()).not.toContain('crash: 2 more');
    await core.stop();
    expect(logText()).toMatch(/crash: 2 more main-process crash\(es\) suppressed .*\n$/);
  });

  it('leave renderer crashes and child processes to their own budgets', async () => {
    const { core, logText } = await station();
    for (let index = 0; index < 7; index++) {
      core.recordCrash({
        where: 'renderer',
        kind: 'render process gone',
        detail: `crashed, exit code ${index}`,
      });
    }
    expect(logText().match(/CRASH #\d+ begin: renderer/g)).toHaveLength(7);
  });
});

describe('registerHandlers onCall', () => {
  it('is told the channel of trusted calls only, and a throwing observer changes no answer', async () => {
    const handlers = new Map<string, IpcInvokeListener>();
    const transport: IpcMainTransport = {
      handle: (channel, listener) => void handlers.set(channel, listener),
      removeHandler: (channel) => void handlers.delete(channel),
      send: () => undefined,
    };
    const seen: string[] = [];
    const stub = () => ({ recorded: true });
    registerHandlers({
      transport,
      isTrustedSender: (sender) => sender.id === 'ours',
      handlers: Object.fromEntries(
        invokeChannelNames.map((channel) => [channel, stub]),
      ) as unknown as Handlers,
      log: () => undefined,
      onCall: (channel) => {
        seen.push(channel);
        throw new Error('observer failed');
      },
    });
    const call = (id: string, args: unknown[]) =>
      handlers.get('diagnostics.report')!({ id, url: 'app://station/index.html' }, args);
    const report = { kind: 'screen', screen: 'health' };
    expect(await call('ours', [report])).toEqual({ ok: true, value: { recorded: true } });
    expect(await call('theirs', [report])).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Counted even when its arguments are refused: the renderer did call it.
    expect(await call('ours', [{ kind: 'nope' }])).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(seen).toEqual(['diagnostics.report', 'diagnostics.report']);
  });
});
