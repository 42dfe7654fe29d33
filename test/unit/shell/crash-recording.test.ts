import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { CrashReport } from '../../../src/main/core/logging/crash-entry.js';
import {
  recordChildProcessGone,
  recordProcessCrashes,
  recoverRendererCrashes,
} from '../../../src/main/shell/crash-recording.js';
import { WebContentsStandIn } from './electron-stand-in.js';

/** The window's webContents as the crash handler uses it: events, reload, destroyed or not. */
class RendererStandIn extends WebContentsStandIn {
  reloads = 0;
  destroyed = false;
  reload() {
    this.reloads++;
  }
  isDestroyed() {
    return this.destroyed;
  }
}

function recorder() {
  const reports: CrashReport[] = [];
  return { reports, recordCrash: (report: CrashReport) => void reports.push(report) };
}

describe('shell crash recording', () => {
  it('records uncaught exceptions and unhandled rejections of the main process, until stopped', () => {
    const target = new EventEmitter();
    const crashes = recorder();
    const stop = recordProcessCrashes(target, crashes);
    const error = new Error('serial port callback threw');
    target.emit('uncaughtException', error, 'uncaughtException');
    target.emit('unhandledRejection', 'usb: no /sys/bus/usb', Promise.resolve());
    expect(crashes.reports).toEqual([
      { where: 'main process', kind: 'uncaught exception', error },
      { where: 'main process', kind: 'unhandled promise rejection', error: 'usb: no /sys/bus/usb' },
    ]);
    stop();
    expect(target.listenerCount('uncaughtException')).toBe(0);
    expect(target.listenerCount('unhandledRejection')).toBe(0);
  });

  it('records a helper process that died, not one that exited cleanly', () => {
    const app = new WebContentsStandIn();
    const crashes = recorder();
    recordChildProcessGone(app, crashes);
    app.fire('child-process-gone', {
      type: 'Utility',
      reason: 'clean-exit',
      exitCode: 0,
      name: 'Audio Service',
    });
    app.fire('child-process-gone', { type: 'GPU', reason: 'crashed', exitCode: 139 });
    expect(crashes.reports).toEqual([
      { where: 'child process', kind: 'child process gone', detail: 'GPU: crashed, exit code 139' },
    ]);
  });

  it('records a renderer crash and reloads the window, at most three times a minute', () => {
    const contents = new RendererStandIn();
    const crashes = recorder();
    const lines: string[] = [];
    let now = 0;
    recoverRendererCrashes(contents, crashes, { log: (line) => lines.push(line), now: () => now });

    for (let index = 0; index < 5; index++)
      contents.fire('render-process-gone', { reason: 'crashed', exitCode: 11 });
    expect(crashes.reports).toHaveLength(5);
    expect(crashes.reports[0]).toEqual({
      where: 'renderer',
      kind: 'render process gone',
      detail: 'crashed, exit code 11',
    });
    // A page that crashes as it loads does not loop: three reloads, then the window is left alone.
    expect(contents.reloads).toBe(3);
    expect(lines.filter((line) => line === 'window: the page crashed; reloading it')).toHaveLength(3);
    expect(lines.at(-1)).toBe(
      'window: the page crashed more than 3 times in a minute; not reloading it again. Restart the station.',
    );

    // A minute on, a crash is reloaded again.
    now = 61_000;
    contents.fire('render-process-gone', { reason: 'oom', exitCode: 0 });
    expect(contents.reloads).toBe(4);
  });

  it('does not reload a window that closed or was destroyed', () => {
    const contents = new RendererStandIn();
    const crashes = recorder();
    recoverRendererCrashes(contents, crashes, { log: () => undefined });
    contents.fire('render-process-gone', { reason: 'clean-exit', exitCode: 0 });
    expect(crashes.reports).toEqual([]);
    contents.destroyed = true;
    contents.fire('render-process-gone', { reason: 'killed', exitCode: 9 });
    expect(crashes.reports).toHaveLength(1);
    expect(contents.reloads).toBe(0);
  });
});
