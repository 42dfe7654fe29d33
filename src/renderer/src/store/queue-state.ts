import type { BatchView, BayView, EngineChange, EngineView, RunView } from '../../../shared/view-models.js';

/** The batch queue as the screen shows it: runs newest first, each findable by id. */
export interface QueueState {
  batch: BatchView | null;
  /** Newest first; a new array whenever any run changed, the unchanged RunView objects kept. */
  runs: readonly RunView[];
  byId: ReadonlyMap<string, RunView>;
  bays: readonly BayView[];
}

/** A batch the station is working on (running or paused); a finished or cancelled one is history. */
export function isBatchOpen(batch: Pick<BatchView, 'status'> | null): boolean {
  return batch?.status === 'running' || batch?.status === 'paused';
}

/**
 * The run as the open batch holds it, or undefined when it is not on the bench any more (a run
 * of an earlier batch, or of the batch just finished): then nothing can be done to it, only read.
 */
export function runOnBench(queue: QueueState, runId: string): RunView | undefined {
  return isBatchOpen(queue.batch) ? queue.byId.get(runId) : undefined;
}

/** Runs whose device is still in a bay (a done one is then to be unplugged; otherwise it is out already). */
export function runsInBays(bays: readonly BayView[]): ReadonlySet<string> {
  return new Set(bays.flatMap((bay) => (bay.status === 'device' && bay.runId ? [bay.runId] : [])));
}

export const emptyQueue: QueueState = { batch: null, runs: [], byId: new Map(), bays: [] };

export function queueFromView(view: EngineView): QueueState {
  const runs = [...view.runs].sort((a, b) => b.startedAt - a.startedAt);
  return { batch: view.batch, runs, byId: new Map(runs.map((run) => [run.runId, run])), bays: view.bays };
}

/**
 * Applies a throttled change (only the runs that changed) to the shown queue. Returns null when
 * the change is about another batch than the one shown: then the caller reads the whole view.
 */
export function mergeEngineChange(queue: QueueState, change: EngineChange): QueueState | null {
  if ((change.batch?.id ?? null) !== (queue.batch?.id ?? null)) return null;
  if (change.runs.length === 0) return { ...queue, batch: change.batch, bays: change.bays };
  const byId = new Map(queue.byId);
  const added: RunView[] = [];
  for (const run of change.runs) {
    if (!byId.has(run.runId)) added.push(run);
    byId.set(run.runId, run);
  }
  added.sort((a, b) => b.startedAt - a.startedAt);
  const runs = [...added, ...queue.runs.map((run) => byId.get(run.runId) ?? run)];
  return { batch: change.batch, runs, byId, bays: change.bays };
}
