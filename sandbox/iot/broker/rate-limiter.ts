/**
 * Token buckets for AWS IoT's rate limits (CONNECT per client id, RegisterThing TPS, control-plane
 * operations). By default they run on real elapsed time, not the sandbox Clock: a test that freezes
 * the Clock must not freeze throttling. A time that goes backwards refills nothing.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity = Math.max(1, ratePerSecond),
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`A rate must be positive, not ${ratePerSecond}.`);
    this.tokens = capacity;
    this.updatedAt = now();
  }

  /** Takes one token when there is one; false means "over the rate, refuse". */
  tryTake(): boolean {
    const current = this.now();
    this.tokens = Math.min(
      this.capacity,
      this.tokens + (Math.max(0, current - this.updatedAt) / 1000) * this.ratePerSecond,
    );
    this.updatedAt = current;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True when the bucket is full again, so a keyed limiter can forget it. */
  isIdle(): boolean {
    return this.tokens + ((this.now() - this.updatedAt) / 1000) * this.ratePerSecond >= this.capacity;
  }
}

/** One bucket per key (client id); idle buckets are dropped so the map cannot grow without bound. */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`A rate must be positive, not ${ratePerSecond}.`);
  }

  tryTake(key: string): boolean {
    if (this.buckets.size > 10_000) {
      for (const [name, bucket] of this.buckets) if (bucket.isIdle()) this.buckets.delete(name);
    }
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.ratePerSecond, Math.max(1, this.ratePerSecond), this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.tryTake();
  }
}
