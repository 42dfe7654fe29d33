import { describe, expect, it } from 'vitest';
import {
  freshHistoryPlace,
  HistoryPlaceMemory,
} from '../../../../src/renderer/src/screens/history/history-place.js';

/** History as the screen uses the memory: resumed, the operator works, leaves for a device's detail. */
function visitToDetail(memory: HistoryPlaceMemory, operator: string) {
  memory.resume(operator);
  memory.arrived();
  memory.remember({ searchInput: 'SIM0001', batchId: 'batch-2' });
  memory.remember({ scrollTop: 840 });
  memory.remember({ openedRunId: 'run-7' });
}

describe('HistoryPlaceMemory (History keeps its place across device detail)', () => {
  it('gives back what the operator left for a device: search, batch, scroll and the device', () => {
    const memory = new HistoryPlaceMemory();
    expect(memory.resume('installer')).toEqual(freshHistoryPlace);
    visitToDetail(memory, 'installer');
    const back = memory.resume('installer');
    expect(back).toEqual({
      searchInput: 'SIM0001',
      batchId: 'batch-2',
      scrollTop: 840,
      openedRunId: 'run-7',
    });
    // React may ask twice before the screen is on: the same answer.
    expect(memory.resume('installer')).toEqual(back);
  });

  it('keeps the place over a second trip to detail, and drops it when History was left by a tab', () => {
    const memory = new HistoryPlaceMemory();
    visitToDetail(memory, 'installer');
    memory.resume('installer');
    memory.arrived();
    memory.remember({ openedRunId: 'run-9' });
    expect(memory.resume('installer')).toMatchObject({ searchInput: 'SIM0001', openedRunId: 'run-9' });
    memory.arrived();
    // Back on History, then off to the Batch tab: next time History starts fresh.
    expect(memory.resume('installer')).toEqual(freshHistoryPlace);
  });

  it('starts another operator on a fresh History', () => {
    const memory = new HistoryPlaceMemory();
    visitToDetail(memory, 'installer');
    expect(memory.resume('mfa-installer')).toEqual(freshHistoryPlace);
    expect(memory.resume('installer')).toEqual(freshHistoryPlace);
  });

  it('hands out copies, so a caller cannot change the memory by accident', () => {
    const memory = new HistoryPlaceMemory();
    visitToDetail(memory, 'installer');
    const place = memory.resume('installer');
    place.searchInput = 'changed';
    expect(memory.resume('installer').searchInput).toBe('SIM0001');
  });
});
