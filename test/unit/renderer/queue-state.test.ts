import { describe, expect, it } from 'vitest';
import {
  emptyQueue,
  isBatchOpen,
  mergeEngineChange,
  queueFromView,
  runOnBench,
  runsInBays,
} from '../../../src/renderer/src/store/queue-state.js';
import type { RunView } from '../../../src/shared/view-models.js';
import { batchViewOf } from './view-fixtures.js';

const batch = batchViewOf('batch-1', 'Line 3');

function run(runId: string, startedAt: number, phase: RunView['phase'] = 'queued'): RunView {
  return {
    runId,
    batchId: batch.id,
    bayId: 'bay-1',
    portPath: `/dev/tty-${runId}`,
    attempt: 1,
    phase,
    phaseStartedAt: startedAt,
    startedAt,
    finishedAt: null,
    serialNumber: `SN-${runId}`,
    model: null,
    hardwareRevision: null,
    firmwareVersion: null,
    mode: null,
    progress: null,
    transfer: null,
    claimExpiresAt: null,
    heldIdentity: null,
    thingName: null,
    certificateId: null,
    fingerprint: null,
    otherCertificateIds: [],
    replaced: null,
    failure: null,
    recovered: false,
  };
}

describe('queue state', () => {
  it('orders a loaded view newest first and indexes it by run id', () => {
    const queue = queueFromView({ batch, runs: [run('a', 1), run('c', 3), run('b', 2)], bays: [] });
    expect(queue.runs.map((r) => r.runId)).toEqual(['c', 'b', 'a']);
    expect(queue.byId.get('b')?.startedAt).toBe(2);
  });

  it('merges a change in place, prepends new runs and keeps unchanged objects', () => {
    const queue = queueFromView({ batch, runs: [run('a', 1), run('b', 2)], bays: [] });
    const untouched = queue.byId.get('a');
    const merged = mergeEngineChange(queue, {
      batch,
      runs: [run('b', 2, 'done'), run('c', 5), run('d', 4)],
      bays: [],
    });
    expect(merged?.runs.map((r) => `${r.runId}:${r.phase}`)).toEqual([
      'c:queued',
      'd:queued',
      'b:done',
      'a:queued',
    ]);
    expect(merged?.byId.get('a')).toBe(untouched);
    expect(queue.byId.get('b')?.phase).toBe('queued');
  });

  it('refuses a change about another batch so the caller reads it whole', () => {
    const queue = queueFromView({ batch, runs: [run('a', 1)], bays: [] });
    expect(mergeEngineChange(queue, { batch: { ...batch, id: 'batch-2' }, runs: [], bays: [] })).toBeNull();
    expect(mergeEngineChange(emptyQueue, { batch, runs: [], bays: [] })).toBeNull();
    expect(mergeEngineChange(queue, { batch: null, runs: [], bays: [] })).toBeNull();
  });

  it('takes the batch and bays of a change that carries no runs', () => {
    const queue = queueFromView({ batch, runs: [run('a', 1)], bays: [] });
    const paused = mergeEngineChange(queue, { batch: { ...batch, status: 'paused' }, runs: [], bays: [] });
    expect(paused?.batch?.status).toBe('paused');
    expect(paused?.runs).toBe(queue.runs);
  });

  it('counts a running or paused batch as open, a finished or cancelled one as history', () => {
    expect(isBatchOpen(batch)).toBe(true);
    expect(isBatchOpen({ status: 'paused' })).toBe(true);
    expect(isBatchOpen({ status: 'finished' })).toBe(false);
    expect(isBatchOpen({ status: 'cancelled' })).toBe(false);
    expect(isBatchOpen(null)).toBe(false);
  });

  it('finds a run on the bench only in the open batch', () => {
    const open = queueFromView({ batch, runs: [run('a', 1, 'done')], bays: [] });
    expect(runOnBench(open, 'a')?.runId).toBe('a');
    expect(runOnBench(open, 'from-history')).toBeUndefined();
    // The batch just finished still lists its runs, but none of them can be acted on.
    const finished = queueFromView({
      batch: { ...batch, status: 'finished' },
      runs: [run('a', 1)],
      bays: [],
    });
    expect(finished.byId.has('a')).toBe(true);
    expect(runOnBench(finished, 'a')).toBeUndefined();
  });

  it('knows which runs still have their device in a bay', () => {
    const bay = (runId: string | null, status: 'probing' | 'no-answer' | 'device' | 'released') => ({
      bayId: `bay-${runId}`,
      portPath: `/dev/tty-${runId}`,
      location: null,
      status,
      serialNumber: null,
      runId,
      message: null,
    });
    expect([...runsInBays([bay('a', 'device'), bay('b', 'released'), bay(null, 'device')])]).toEqual(['a']);
  });
});
