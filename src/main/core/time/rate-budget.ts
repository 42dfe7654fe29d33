/**
 * At most `max` events in any `windowMs`: what keeps a repeating failure (a renderer that throws on
 * every frame, a window that crashes as it loads) from filling the log or reloading for ever.
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
    const now = this.now();
    while (this.taken.length > 0 && now - this.taken[0]! >= this.windowMs) this.taken.shift();
    if (this.taken.length >= this.max) {
      this.refusedSince++;
      return { allowed: false, refusedBefore: this.refusedSince };
    }
    this.taken.push(now);
    const refusedBefore = this.refusedSince;
    this.refusedSince = 0;
    return { allowed: true, refusedBefore };
  }
}
