import { sleep, type Clock, type RandomSource } from '../time/clock.js';
import { isThrottling, readAwsError } from './aws-error-shape.js';
import { FifoTokenBucket } from './fifo-token-bucket.js';
import { iotOperationNames, type IotOperationName } from './iot-operation-names.js';
import { iotRateQuotas } from './iot-rate-quotas.js';

export interface AwsCallGovernorOptions {
  clock: Clock;
  random: RandomSource;
  /** Per-operation rates; the rest default to AWS's (iot-rate-quotas.ts). */
  ratesPerSecond?: Partial<Record<IotOperationName, number>>;
  /** Retries of a throttled call before its error is passed on (default 5). */
  maxThrottleRetries?: number;
  /**
   * Full-jitter exponential backoff: retry n waits random() × min(maxMs, baseMs × 2^n).
   * Defaults are the AWS SDK's for throttling errors: 500 ms base, 20 s cap.
   */
  backoff?: { baseMs?: number; maxMs?: number };
  /** One line per throttle and give-up; never holds request or response content. */
  log?: (line: string) => void;
}

export interface OperationStats {
  /** Requests sent (every attempt, retries included). */
  calls: number;
  /** Attempts AWS answered with throttling (or 429/503). */
  throttled: number;
  /** Time callers spent waiting for a token or in backoff, in clock milliseconds. */
  waitedMs: number;
}

/**
 * The one gate every AWS IoT call of the station goes through. AWS quotas are per account and
 * Region, not per device, so all bays share one governor: one FIFO token bucket per operation at
 * the operation's quota, and on a throttle the bucket is emptied (other stations in the account are
 * using the quota too) and the call is retried after a jittered, exponentially growing wait.
 * The IoT client is built with maxAttempts 1 so that these are the only retries.
 */
export class AwsCallGovernor {
  private readonly buckets: Record<IotOperationName, FifoTokenBucket>;
  private readonly counters: Record<IotOperationName, OperationStats>;
  private readonly maxThrottleRetries: number;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(private readonly options: AwsCallGovernorOptions) {
    this.maxThrottleRetries = options.maxThrottleRetries ?? 5;
    if (!Number.isInteger(this.maxThrottleRetries) || this.maxThrottleRetries < 0) {
      throw new Error(`maxThrottleRetries must be a whole number ≥ 0, not ${this.maxThrottleRetries}.`);
    }
    this.baseMs = options.backoff?.baseMs ?? 500;
    this.maxMs = options.backoff?.maxMs ?? 20_000;
    if (!(this.baseMs >= 0) || !(this.maxMs >= this.baseMs)) {
      throw new Error(`backoff needs 0 ≤ baseMs ≤ maxMs, not ${this.baseMs} and ${this.maxMs}.`);
    }
    const buckets = {} as Record<IotOperationName, FifoTokenBucket>;
    const counters = {} as Record<IotOperationName, OperationStats>;
    for (const operation of iotOperationNames) {
      const rate = options.ratesPerSecond?.[operation] ?? iotRateQuotas[operation].perSecond;
      if (!(rate > 0) || !Number.isFinite(rate)) {
        throw new Error(
          `The rate for ${operation} must be a positive number of calls per second, not ${rate}.`,
        );
      }
      buckets[operation] = new FifoTokenBucket(options.clock, rate);
      counters[operation] = { calls: 0, throttled: 0, waitedMs: 0 };
    }
    this.buckets = buckets;
    this.counters = counters;
  }

  /**
   * Waits for the operation's token bucket, runs `call`, and retries it while AWS throttles
   * (ThrottlingException, 429, 503 ServiceUnavailable), up to maxThrottleRetries. Any other
   * failure is passed on at once, unchanged. Once `signal` aborts, rejects with its reason.
   */
  async run<T>(operation: IotOperationName, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const bucket = this.buckets[operation];
    const counters = this.counters[operation];
    for (let retry = 0; ; retry++) {
      await this.timed(counters, bucket.take(signal));
      counters.calls += 1;
      try {
        return await call();
      } catch (error) {
        if (signal?.aborted) throw signal.reason as Error;
        const shape = readAwsError(error);
        if (!isThrottling(shape)) throw error;
        counters.throttled += 1;
        bucket.drain();
        if (retry >= this.maxThrottleRetries) {
          this.options.log?.(
            `aws: ${operation} still throttled (${shape.name}) after ${this.maxThrottleRetries} retries; giving up`,
          );
          throw error;
        }
        const delay = Math.round(this.options.random() * Math.min(this.maxMs, this.baseMs * 2 ** retry));
        this.options.log?.(
          `aws: ${operation} throttled (${shape.name}); retry ${retry + 1} of ${this.maxThrottleRetries} in ${delay} ms`,
        );
        await this.timed(counters, sleep(this.options.clock, delay, signal));
      }
    }
  }

  stats(): Record<IotOperationName, OperationStats> {
    const copy = {} as Record<IotOperationName, OperationStats>;
    for (const operation of iotOperationNames) copy[operation] = { ...this.counters[operation] };
    return copy;
  }

  private async timed(counters: OperationStats, wait: Promise<void>): Promise<void> {
    const started = this.options.clock.now();
    try {
      await wait;
    } finally {
      counters.waitedMs += this.options.clock.now() - started;
    }
  }
}
