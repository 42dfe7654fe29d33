import type { BatchEngine } from '../src/main/core/batch/batch-engine.js';

export interface FinishedRun {
  runId: string;
  serialNumber: string;
  portPath: string;
  /** Engine clock (Date.now()) when the registry check passed, or the run failed. */
  finishedAt: number;
  ok: boolean;
  /** engine.timings(runId), read as soon as the run finished (the engine forgets old runs' timings). */
  totalMs: number;
  deviceMs: number;
  awsMs: number;
  failure: string | null;
}

/**
 * Watches the engine's change events for runs that end — verified (done) or failed — reads their
 * timings at once, and hands them to whoever waits for them. A failed run is cancelled so that its
 * bay is free again: the benchmark counts it and goes on.
 */
export class RunObserver {
  private readonly seen = new Set<string>();
  private listener: ((run: FinishedRun) => void) | undefined;

  constructor(private readonly engine: BatchEngine) {
    engine.on('changed', (change) => {
      for (const run of change.runs) {
        if (this.seen.has(run.runId)) continue;
        if (run.phase !== 'done' && run.phase !== 'failed') continue;
        this.seen.add(run.runId);
        const timings = engine.timings(run.runId);
        const failure = run.failure ? `${run.failure.code}: ${run.failure.message}` : null;
        if (run.phase === 'failed') engine.cancelRun(run.runId);
        this.listener?.({
          runId: run.runId,
          serialNumber: run.serialNumber ?? '',
          portPath: run.portPath,
          finishedAt: run.finishedAt ?? Date.now(),
          ok: run.phase === 'done',
          totalMs: timings.totalMs ?? Number.NaN,
          deviceMs: timings.deviceMs,
          awsMs: timings.awsMs,
          failure,
        });
      }
    });
  }

  /** Calls `onRun` for every run that ends from now on (one listener at a time). */
  watch(onRun: ((run: FinishedRun) => void) | undefined): void {
    this.listener = onRun;
  }

  /** Runs of a finished batch need no remembering. */
  forgetAll(): void {
    this.seen.clear();
  }
}
