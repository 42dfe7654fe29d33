import type { Clock } from '../../clock.js';
import { TokenBucket } from '../broker/rate-limiter.js';

export interface ThrottleOptions {
  /** Requests per second allowed for an operation without its own rate; default 10. */
  defaultTps?: number;
  /** Per-operation rates by operation name (e.g. `{ CreateProvisioningClaim: 2 }`). */
  operations?: Record<string, number>;
}

/**
 * One token bucket per operation, as AWS meters its APIs: the bucket holds up to one second's
 * worth of requests (at least one) and refills continuously at the operation's rate. Time comes
 * from the injected clock, so a test that holds the clock still sees the bucket stay empty.
 */
export class OperationThrottle {
  private readonly buckets = new Map<string, TokenBucket>();
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
    let bucket = this.buckets.get(operation);
    if (!bucket) {
      const tps = this.options.operations?.[operation] ?? this.defaultTps;
      bucket = new TokenBucket(tps, Math.max(1, tps), () => this.clock.now());
      this.buckets.set(operation, bucket);
    }
    return bucket.tryTake();
  }
}
