import { describe, expect, it } from 'vitest';
import {
  createDebouncer,
  type DebounceTimers,
} from '../../../../src/renderer/src/screens/history/debouncer.js';

/** Timers that run only when the test moves the clock. */
function manualTimers(): DebounceTimers & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      now += ms;
      for (const [id, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at <= now) {
          timers.delete(id);
          timer.callback();
        }
      }
    },
    pending: () => timers.size,
  };
}

describe('createDebouncer', () => {
  it('fires once with the last value after a pause in typing', () => {
    const timers = manualTimers();
    const fired: string[] = [];
    const debouncer = createDebouncer<string>(250, (value) => fired.push(value), timers);
    debouncer.push('S');
    timers.advance(100);
    debouncer.push('SN');
    timers.advance(200);
    debouncer.push('SN-1');
    timers.advance(249);
    expect(fired).toEqual([]);
    timers.advance(1);
    expect(fired).toEqual(['SN-1']);
    expect(timers.pending()).toBe(0);
  });

  it('fires at once on Enter and drops the pending value', () => {
    const timers = manualTimers();
    const fired: string[] = [];
    const debouncer = createDebouncer<string>(250, (value) => fired.push(value), timers);
    debouncer.push('SN-00');
    debouncer.fireNow('SN-0042');
    expect(fired).toEqual(['SN-0042']);
    timers.advance(1000);
    expect(fired).toEqual(['SN-0042']);
  });

  it('does not search twice for the same text (a scanner pausing, then Enter)', () => {
    const timers = manualTimers();
    const fired: (string | undefined)[] = [];
    const debouncer = createDebouncer<string | undefined>(250, (value) => fired.push(value), timers);
    debouncer.push('SN-7');
    timers.advance(300);
    debouncer.fireNow('SN-7');
    debouncer.fireNow(undefined);
    debouncer.fireNow(undefined);
    expect(fired).toEqual(['SN-7', undefined]);
  });

  it('fires the first value even when it equals the initial one, and nothing after cancel', () => {
    const timers = manualTimers();
    const fired: (string | undefined)[] = [];
    const debouncer = createDebouncer<string | undefined>(250, (value) => fired.push(value), timers);
    debouncer.fireNow(undefined);
    debouncer.push('late');
    debouncer.cancel();
    timers.advance(1000);
    expect(fired).toEqual([undefined]);
  });
});
