import type { RunPhaseName } from '../../../shared/view-models.js';

/** What the operator hears: a rising tone when a device is done, a low double tone when one fails. */
export type CueName = 'done' | 'failed';

/** The phases last seen, per run, for one batch. */
export interface CueBaseline {
  batchId: string | null;
  phases: ReadonlyMap<string, RunPhaseName>;
}

/** A run that just turned done or failed, as the update showed it. */
export interface CueTransition<R> {
  run: R;
  cue: CueName;
}

export interface CueDecision<R> {
  /** At most one cue per update: failure wins, so a failure is never drowned by a success. */
  cue: CueName | null;
  /** Every run behind the cue, in the update's order (what a screen reader line names). */
  transitions: CueTransition<R>[];
  baseline: CueBaseline;
}

/**
 * Which cue an update deserves, by comparing each run's phase with the one seen before. The first
 * look (no baseline) and a switch to another batch only set the baseline: opening the app on a
 * batch with 40 finished devices must stay silent. A run new to a batch already watched counts as
 * coming from nowhere, so one that turned done between two updates still sounds. The same decision
 * feeds the queue's spoken announcement, so what is heard and what is read never disagree.
 */
export function decideCue<R extends { runId: string; phase: RunPhaseName }>(
  baseline: CueBaseline | null,
  batchId: string | null,
  runs: readonly R[],
): CueDecision<R> {
  const phases = new Map(runs.map((run) => [run.runId, run.phase]));
  const next: CueBaseline = { batchId, phases };
  if (baseline === null || batchId === null || baseline.batchId !== batchId)
    return { cue: null, transitions: [], baseline: next };
  const transitions: CueTransition<R>[] = [];
  for (const run of runs) {
    const before = baseline.phases.get(run.runId);
    if (before === run.phase) continue;
    if (run.phase === 'failed' || run.phase === 'done') transitions.push({ run, cue: run.phase });
  }
  const failed = transitions.some((transition) => transition.cue === 'failed');
  const cue = failed ? 'failed' : transitions.length > 0 ? 'done' : null;
  return { cue, transitions, baseline: next };
}
