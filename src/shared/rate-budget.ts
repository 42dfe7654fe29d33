/**
 * At most `max` events in any `windowMs`: what keeps a repeating failure (a renderer that throws on
 * every frame, a window that crashes as it loads, a main-process callback that throws on every tick)
 * from filling the log or reloading for ever. Pure (the clock is given), so main and the renderer
 * share it.
 */
export class RateBudget {
  private readonly taken: number[] = [];
  /** Events refused since the last one allowed. */
  private refusedSince = 0;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes one event from the budget. `allowed` says whether it fits; `refusedBefore` counts the
   * events refused since the last allowed one (so the caller can say how many it dropped).
   */
  take(): { allowed: boolean; refusedBefore: number } {
    this.forgetOld(this.now());
    if (this.taken.length >= this.max) {
      this.refusedSince++;
      return { allowed: false, refusedBefore: this.refusedSince };
    }
    this.taken.push(this.now());
    const refusedBefore = this.refusedSince;
    this.refusedSince = 0;
    return { allowed: true, refusedBefore };
  }

  /** Milliseconds until an event would be allowed again; 0 while the budget has room. */
  reopensIn(): number {
    const now = this.now();
    this.forgetOld(now);
    if (this.taken.length < this.max) return 0;
    return Math.max(0, this.taken[0]! + this.windowMs - now);
  }

  private forgetOld(now: number): void {
    while (this.taken.length > 0 && now - this.taken[0]! >= this.windowMs) this.taken.shift();
  }
}
