import { RateBudget } from '../../../shared/rate-budget.js';
import type { Clock } from '../time/clock.js';

export interface CrashEntryBudgetOptions {
  /** Full entries written in any minute at most. */
  perMinute: number;
  clock: Clock;
  /** Writes the one line saying how many entries were left out. */
  sayLeftOut: (count: number) => void;
}

/**
 * At most `perMinute` crash entries a minute from one source: a callback that throws on every tick
 * writes a few full entries, not a disk full of them. Entries over the budget are counted, and one
 * line says how many when the window reopens (or at the next entry that fits, or when the station
 * stops, whichever comes first), so support sees that there were more.
 */
export class CrashEntryBudget {
  private readonly budget: RateBudget;
  private leftOut = 0;
  private cancelReopen: (() => void) | undefined;

  constructor(private readonly options: CrashEntryBudgetOptions) {
    this.budget = new RateBudget(options.perMinute, 60_000, () => options.clock.now());
  }

  /** Whether the next entry is written in full; counts it as left out when it is not. */
  admit(): boolean {
    if (this.budget.take().allowed) {
      this.sayWhatWasLeftOut();
      return true;
    }
    this.leftOut++;
    this.cancelReopen ??= this.options.clock.setTimer(this.budget.reopensIn(), () => {
      this.cancelReopen = undefined;
      this.sayWhatWasLeftOut();
    });
    return false;
  }

  /** Says now how many entries were left out, if any, and stops waiting for the window. */
  sayWhatWasLeftOut(): void {
    this.cancelReopen?.();
    this.cancelReopen = undefined;
    const count = this.leftOut;
    this.leftOut = 0;
    if (count > 0) this.options.sayLeftOut(count);
  }
}
