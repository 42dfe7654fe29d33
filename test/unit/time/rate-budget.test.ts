import { describe, expect, it } from 'vitest';
import { RateBudget } from '../../../src/main/core/time/rate-budget.js';

describe('RateBudget', () => {
  it('allows max events in any window, refuses the rest, and counts what it refused', () => {
    let now = 0;
    const budget = new RateBudget(3, 60_000, () => now);
    const takeAt = (at: number) => {
      now = at;
      return budget.take();
    };
    expect(takeAt(0)).toEqual({ allowed: true, refusedBefore: 0 });
    expect(takeAt(10_000)).toEqual({ allowed: true, refusedBefore: 0 });
    expect(takeAt(20_000)).toEqual({ allowed: true, refusedBefore: 0 });
    expect(takeAt(30_000)).toEqual({ allowed: false, refusedBefore: 1 });
    expect(takeAt(59_999)).toEqual({ allowed: false, refusedBefore: 2 });
    // The first event leaves the window a minute after it was taken.
    expect(takeAt(60_000)).toEqual({ allowed: true, refusedBefore: 2 });
    expect(takeAt(60_000)).toEqual({ allowed: false, refusedBefore: 1 });
    expect(takeAt(70_000)).toEqual({ allowed: true, refusedBefore: 1 });
    expect(takeAt(70_001)).toEqual({ allowed: false, refusedBefore: 1 });
  });
});
