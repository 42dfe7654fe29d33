import { describe, expect, it } from 'vitest';
import type { StationApi } from '../../../src/preload/station-api.js';
import type { IpcResult } from '../../../src/shared/ipc-result.js';
import type { EngineChange, EngineView } from '../../../src/shared/view-models.js';
import { StationStore } from '../../../src/renderer/src/store/station-store.js';
import { batchViewOf } from './view-fixtures.js';

const batchOf = batchViewOf;

/** A bridge whose batch.get answers only when the test says so, oldest call first. */
function fakeBridge() {
  const pendingReads: ((view: EngineView) => void)[] = [];
  let emitChange: (change: EngineChange) => void = () => undefined;
  const ok = <T>(value: T): Promise<IpcResult<T>> => Promise.resolve({ ok: true, value });
  const api = {
    app: { info: () => ok({ version: '1', platform: 'linux', profile: { name: 'sandbox' } }) },
    profile: { get: () => ok(null) },
    session: { get: () => ok(null), onChanged: () => () => undefined },
    devices: {
      list: () => ok({ devices: [], configuredPatterns: [], fixedPatterns: [], watchMode: 'polling' }),
      onChanged: () => () => undefined,
    },
    batch: {
      get: () =>
        new Promise<IpcResult<EngineView>>((resolve) =>
          pendingReads.push((view) => resolve({ ok: true, value: view })),
        ),
      onChanged: (listener: (change: EngineChange) => void) => {
        emitChange = listener;
        return () => undefined;
      },
    },
  };
  return {
    api: api as unknown as StationApi,
    pendingReads,
    emit: (change: EngineChange) => emitChange(change),
    /** Answers the oldest read still waiting and lets the store take the answer in. */
    async answer(view: EngineView): Promise<void> {
      const next = pendingReads.shift();
      if (!next) throw new Error('no batch.get is waiting');
      next(view);
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}

const changeOf = (id: string): EngineChange => ({ batch: batchOf(id), runs: [], bays: [] });

describe('StationStore reading the whole engine view on a change about another batch', () => {
  it('keeps one read under way and folds a burst of changes into one more read', async () => {
    const bridge = fakeBridge();
    const store = new StationStore();
    store.connect(bridge.api);
    await bridge.answer({ batch: null, runs: [], bays: [] }); // the first reload

    bridge.emit(changeOf('batch-2'));
    bridge.emit(changeOf('batch-2'));
    bridge.emit(changeOf('batch-2'));
    expect(bridge.pendingReads).toHaveLength(1);

    await bridge.answer({ batch: batchOf('batch-2', 'first answer'), runs: [], bays: [] });
    expect(store.getSnapshot().queue.batch?.label).toBe('first answer');
    // Changes came while it was read: exactly one more read, for what they changed.
    expect(bridge.pendingReads).toHaveLength(1);
    await bridge.answer({ batch: batchOf('batch-2', 'second answer'), runs: [], bays: [] });
    expect(store.getSnapshot().queue.batch?.label).toBe('second answer');
    expect(bridge.pendingReads).toHaveLength(0);
  });

  it('reads once more when a change merged into the shown batch arrived during the read', async () => {
    const bridge = fakeBridge();
    const store = new StationStore();
    store.connect(bridge.api);
    await bridge.answer({ batch: null, runs: [], bays: [] });

    bridge.emit(changeOf('batch-2'));
    await bridge.answer({ batch: batchOf('batch-2', 'shown'), runs: [], bays: [] });
    expect(bridge.pendingReads).toHaveLength(0);

    bridge.emit(changeOf('batch-3'));
    // This one merges into the batch shown at once, but it may be newer than the view being read,
    // so that read is followed by one more.
    bridge.emit({ batch: { ...batchOf('batch-2', 'shown'), status: 'paused' }, runs: [], bays: [] });
    expect(store.getSnapshot().queue.batch?.status).toBe('paused');
    await bridge.answer({ batch: batchOf('batch-3', 'stale'), runs: [], bays: [] });
    expect(bridge.pendingReads).toHaveLength(1);
    await bridge.answer({ batch: batchOf('batch-3', 'fresh'), runs: [], bays: [] });
    expect(store.getSnapshot().queue.batch?.label).toBe('fresh');
  });

  it('merges a change about the shown batch without reading anything', async () => {
    const bridge = fakeBridge();
    const store = new StationStore();
    store.connect(bridge.api);
    await bridge.answer({ batch: batchOf('batch-1'), runs: [], bays: [] });
    bridge.emit({ batch: { ...batchOf('batch-1'), status: 'paused' }, runs: [], bays: [] });
    expect(store.getSnapshot().queue.batch?.status).toBe('paused');
    expect(bridge.pendingReads).toHaveLength(0);
  });
});
