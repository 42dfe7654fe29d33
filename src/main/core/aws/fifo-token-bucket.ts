import type { Clock } from '../time/clock.js';

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/** Tokens below 1 by less than this count as a whole token (float drift of the refill arithmetic). */
const epsilon = 1e-9;

/**
 * A token bucket that callers wait on in arrival order: it holds up to `capacity` tokens and
 * refills continuously at `ratePerSecond` on the injected clock. One timer at a time serves the
 * queue, so a thousand waiters cost one timer, and a later caller never overtakes an earlier one.
 */
export class FifoTokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly waiters: Waiter[] = [];
  private cancelTimer: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    readonly ratePerSecond: number,
    readonly capacity: number = Math.max(1, ratePerSecond),
  ) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
      throw new Error(`A token bucket needs a positive rate, not ${ratePerSecond}.`);
    }
    this.tokens = capacity;
    this.updatedAt = clock.now();
  }

  /** Resolves once a token is taken; rejects with the signal's reason if it aborts first. */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    this.refill();
    if (this.waiters.length === 0 && this.tokens >= 1 - epsilon) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          if (this.waiters.length === 0) this.stopTimer();
          reject(signal?.reason as Error);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
      this.schedule();
    });
  }

  /** Empties the bucket: the service said we are over its rate, so everyone waits a full interval. */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }

  get queued(): number {
    return this.waiters.length;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.ratePerSecond) / 1000);
    this.updatedAt = now;
  }

  private schedule(): void {
    if (this.cancelTimer || this.waiters.length === 0) return;
    const missing = Math.max(0, 1 - this.tokens);
    const ms = Math.max(0, Math.ceil((missing * 1000) / this.ratePerSecond - epsilon));
    this.cancelTimer = this.clock.setTimer(ms, () => {
      this.cancelTimer = undefined;
      this.serve();
    });
  }

  private serve(): void {
    this.refill();
    while (this.waiters.length > 0 && this.tokens >= 1 - epsilon) {
      const waiter = this.waiters.shift() as Waiter;
      this.tokens -= 1;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    this.schedule();
  }

  private stopTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }
}
