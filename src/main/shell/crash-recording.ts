import type { CrashReport } from '../core/logging/crash-entry.js';
import { RateBudget } from '../../shared/rate-budget.js';

/**
 * The shell's crash handlers: each turns an Electron or Node event into a crash entry of the core
 * (StationCore.recordCrash). They take the Electron objects by the little they use, so they are
 * tested with stand-ins where no Electron binary exists.
 *
 * Electron's crashReporter is deliberately NOT started: its minidumps are copies of process memory,
 * and the main process's memory may hold a claim's private key or a Cognito token in the seconds they
 * live. A crash entry is text the station wrote itself, through its redaction.
 */
export interface CrashRecorder {
  recordCrash(report: CrashReport): void;
}

export interface ProcessEvents {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (value: unknown) => void): unknown;
  off(event: 'uncaughtException' | 'unhandledRejection', listener: (value: unknown) => void): unknown;
}

/**
 * Uncaught exceptions and unhandled rejections of the main process are recorded, and the station
 * keeps running, as Electron itself does after its error dialog (without the dialog: a stack trace
 * means nothing to an operator, the log entry means something to support). The journal, not the
 * process, holds the truth of every run. The core writes a few of them a minute in full and counts
 * the rest (StationCore.recordCrash), so a callback that throws on every tick cannot fill the disk.
 * Returns the function that stops recording.
 */
export function recordProcessCrashes(target: ProcessEvents, recorder: CrashRecorder): () => void {
  const onException = (error: unknown) =>
    recorder.recordCrash({ where: 'main process', kind: 'uncaught exception', error });
  const onRejection = (reason: unknown) =>
    recorder.recordCrash({ where: 'main process', kind: 'unhandled promise rejection', error: reason });
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}

/** What Electron says of a process that went away (RenderProcessGoneDetails, app's Details). */
export interface ProcessGoneDetails {
  reason: string;
  exitCode: number;
  type?: string;
  name?: string;
  serviceName?: string;
}

export interface AppEvents {
  on(event: 'child-process-gone', listener: (event: unknown, details: ProcessGoneDetails) => void): unknown;
}

/** A GPU, utility or other helper process that died. One that exited cleanly is no crash. */
export function recordChildProcessGone(app: AppEvents, recorder: CrashRecorder): void {
  app.on('child-process-gone', (_event, details) => {
    if (details.reason === 'clean-exit') return;
    const which = [details.type, details.name ?? details.serviceName].filter(Boolean).join(' ');
    recorder.recordCrash({
      where: 'child process',
      kind: 'child process gone',
      detail: `${which || 'a helper process'}: ${details.reason}, exit code ${details.exitCode}`,
    });
  });
}

export interface RendererContents {
  on(event: 'render-process-gone', listener: (event: unknown, details: ProcessGoneDetails) => void): unknown;
  isDestroyed(): boolean;
  reload(): void;
}

export interface RendererRecoveryOptions {
  log: (line: string) => void;
  /** Reloads allowed per minute; past that the window is left alone, so a page that crashes as it loads cannot loop. */
  maxReloadsPerMinute?: number;
  now?: () => number;
}

/**
 * The window's renderer died (crash, out of memory, killed): the crash is recorded and the window
 * reloaded, at most `maxReloadsPerMinute` times a minute (3 by default). Past that it stays as it is
 * and the log says to restart the station: devices mid-way carry on in main either way.
 */
export function recoverRendererCrashes(
  contents: RendererContents,
  recorder: CrashRecorder,
  options: RendererRecoveryOptions,
): void {
  const maxReloads = options.maxReloadsPerMinute ?? 3;
  const reloads = new RateBudget(maxReloads, 60_000, options.now ?? Date.now);
  contents.on('render-process-gone', (_event, details) => {
    // A clean exit is the window closing, not a crash.
    if (details.reason === 'clean-exit') return;
    recorder.recordCrash({
      where: 'renderer',
      kind: 'render process gone',
      detail: `${details.reason}, exit code ${details.exitCode}`,
    });
    if (contents.isDestroyed()) return;
    if (reloads.take().allowed) {
      options.log('window: the page crashed; reloading it');
      contents.reload();
    } else {
      options.log(
        `window: the page crashed more than ${maxReloads} times in a minute; not reloading it again. Restart the station.`,
      );
    }
  });
}
