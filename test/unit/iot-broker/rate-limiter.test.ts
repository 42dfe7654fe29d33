import { describe, expect, it } from 'vitest';
import { KeyedRateLimiter, TokenBucket } from '../../../sandbox/iot/broker/rate-limiter.js';

function fakeTime() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TokenBucket', () => {
  it('allows a burst of its rate, then refills over time', () => {
    const time = fakeTime();
    const bucket = new TokenBucket(10, 10, time.now);
    for (let i = 0; i < 10; i++) expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    time.advance(100);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });

  it('refuses non-positive rates', () => {
    expect(() => new TokenBucket(0)).toThrow(/positive/);
  });
});

describe('KeyedRateLimiter', () => {
  it('limits each key on its own (1 CONNECT per second per client id)', () => {
    const time = fakeTime();
    const limiter = new KeyedRateLimiter(1, time.now);
    expect(limiter.tryTake('a')).toBe(true);
    expect(limiter.tryTake('a')).toBe(false);
    expect(limiter.tryTake('b')).toBe(true);
    time.advance(999);
    expect(limiter.tryTake('a')).toBe(false);
    time.advance(1);
    expect(limiter.tryTake('a')).toBe(true);
  });
});
