import { describe, expect, it } from 'vitest';
import { RateBudget } from '../../../src/shared/rate-budget.js';

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

  it('says when it reopens: 0 while there is room, else when the oldest event leaves the window', () => {
    let now = 1_000;
    const budget = new RateBudget(2, 60_000, () => now);
    expect(budget.reopensIn()).toBe(0);
    budget.take();
    now = 11_000;
    budget.take();
    now = 21_000;
    expect(budget.reopensIn()).toBe(40_000);
    expect(budget.take().allowed).toBe(false);
    now = 61_000;
    expect(budget.reopensIn()).toBe(0);
    expect(budget.take().allowed).toBe(true);
    expect(budget.reopensIn()).toBe(10_000);
  });
});
