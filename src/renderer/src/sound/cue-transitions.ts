import type { RunPhaseName } from '../../../shared/view-models.js';

/** What the operator hears: a rising tone when a device is done, a low double tone when one fails. */
export type CueName = 'done' | 'failed';

/** The phases last seen, per run, for one batch. */
export interface CueBaseline {
  batchId: string | null;
  phases: ReadonlyMap<string, RunPhaseName>;
}

export interface CueDecision {
  /** At most one cue per update: failure wins, so a failure is never drowned by a success. */
  cue: CueName | null;
  baseline: CueBaseline;
}

/**
 * Which cue an update deserves, by comparing each run's phase with the one seen before. The first
 * look (no baseline) and a switch to another batch only set the baseline: opening the app on a
 * batch with 40 finished devices must stay silent. A run new to a batch already watched counts as
 * coming from nowhere, so one that turned done between two updates still sounds.
 */
export function decideCue(
  baseline: CueBaseline | null,
  batchId: string | null,
  runs: readonly { runId: string; phase: RunPhaseName }[],
): CueDecision {
  const phases = new Map(runs.map((run) => [run.runId, run.phase]));
  const next: CueBaseline = { batchId, phases };
  if (baseline === null || batchId === null || baseline.batchId !== batchId)
    return { cue: null, baseline: next };
  let done = false;
  let failed = false;
  for (const run of runs) {
    const before = baseline.phases.get(run.runId);
    if (before === run.phase) continue;
    if (run.phase === 'failed') failed = true;
    else if (run.phase === 'done') done = true;
  }
  return { cue: failed ? 'failed' : done ? 'done' : null, baseline: next };
}
