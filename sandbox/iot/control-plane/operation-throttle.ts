import type { Clock } from '../../clock.js';

export interface ThrottleOptions {
  /** Requests per second allowed for an operation without its own rate; default 10. */
  defaultTps?: number;
  /** Per-operation rates by operation name (e.g. `{ CreateProvisioningClaim: 2 }`). */
  operations?: Record<string, number>;
}

interface Bucket {
  tokens: number;
  refilledAt: number;
}

/**
 * One token bucket per operation, as AWS meters its APIs: the bucket holds up to one second's
 * worth of requests (at least one) and refills continuously at the operation's rate. Time comes
 * from the injected clock, so a test that holds the clock still sees the bucket stay empty.
 */
export class OperationThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly defaultTps: number;

  constructor(
    private readonly clock: Clock,
    private readonly options: ThrottleOptions = {},
  ) {
    this.defaultTps = options.defaultTps ?? 10;
    for (const [name, tps] of [
      ['default', this.defaultTps] as const,
      ...Object.entries(options.operations ?? {}),
    ]) {
      if (!(tps > 0) || !Number.isFinite(tps)) {
        throw new Error(
          `Throttle rate for ${name} must be a positive number of requests per second, not ${tps}.`,
        );
      }
    }
  }

  /** Takes a token for one request of `operation`; false when the operation is over its rate. */
  tryAcquire(operation: string): boolean {
    const tps = this.options.operations?.[operation] ?? this.defaultTps;
    const capacity = Math.max(1, tps);
    const now = this.clock.now();
    const bucket = this.buckets.get(operation) ?? { tokens: capacity, refilledAt: now };
    const elapsedSeconds = Math.max(0, now - bucket.refilledAt) / 1000;
    bucket.tokens = Math.min(capacity, bucket.tokens + elapsedSeconds * tps);
    bucket.refilledAt = now;
    this.buckets.set(operation, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
