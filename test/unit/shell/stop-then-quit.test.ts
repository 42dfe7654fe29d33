import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { STOP_LIMIT_MS, stopThenQuit } from '../../../src/main/shell/stop-then-quit.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function quitter() {
  const events: string[] = [];
  return {
    events,
    quit: () => events.push('quit'),
    log: (line: string) => events.push(line),
  };
}

describe('quitting after the core stops', () => {
  it('quits as soon as the core has stopped, with nothing logged and no timer left', async () => {
    const { events, quit, log } = quitter();
    let finish!: () => void;
    const done = stopThenQuit({ stop: () => new Promise((resolve) => (finish = resolve)), quit, log });
    await vi.advanceTimersByTimeAsync(1000);
    expect(events).toEqual([]);
    finish();
    await done;
    expect(events).toEqual(['quit']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('quits anyway after 5 s when the core never stops, and says so', async () => {
    const { events, quit, log } = quitter();
    const done = stopThenQuit({ stop: () => new Promise<void>(() => undefined), quit, log });
    await vi.advanceTimersByTimeAsync(STOP_LIMIT_MS - 1);
    expect(events).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(STOP_LIMIT_MS).toBe(5000);
    expect(events).toEqual(['shell: the station did not stop within 5 s; quitting anyway', 'quit']);
  });

  it('quits when stopping fails, or throws at once, logging why', async () => {
    const { events, quit, log } = quitter();
    await stopThenQuit({ stop: () => Promise.reject(new Error('journal busy')), quit, log });
    await stopThenQuit({
      stop: () => {
        throw new Error('already closed');
      },
      quit,
      log,
    });
    expect(events).toEqual([
      'shell: stopping the station failed (journal busy); quitting anyway',
      'quit',
      'shell: stopping the station failed (already closed); quitting anyway',
      'quit',
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
