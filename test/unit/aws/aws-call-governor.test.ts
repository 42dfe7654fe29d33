import { describe, expect, it } from 'vitest';
import { AwsCallGovernor } from '../../../src/main/core/aws/aws-call-governor.js';
import { iotOperationNames } from '../../../src/main/core/aws/iot-operation-names.js';
import { iotRateQuotas } from '../../../src/main/core/aws/iot-rate-quotas.js';
import { ManualClock } from '../../support/manual-clock.js';

/** Lets every pending promise callback run (the governor chains a few awaits per step). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** Advances the clock in small steps, settling in between, so each timer's follow-up runs on time. */
async function advance(clock: ManualClock, ms: number, step = 1): Promise<void> {
  await settle();
  for (let done = 0; done < ms; done += step) {
    clock.advance(Math.min(step, ms - done));
    await settle();
  }
}

/** An error as @aws-sdk/client-iot raises it for a throttled request. */
function throttlingError(): Error {
  return Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400, requestId: 'req-1' },
  });
}

function setup(options: Partial<ConstructorParameters<typeof AwsCallGovernor>[0]> = {}) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const lines: string[] = [];
  const governor = new AwsCallGovernor({
    clock,
    random: () => 0.5,
    log: (line) => lines.push(line),
    ...options,
  });
  const started = (t0 = Date.UTC(2026, 0, 1)) => ({
    times: [] as number[],
    call(result = 'ok') {
      return () => {
        this.times.push(clock.now() - t0);
        return Promise.resolve(result);
      };
    },
  });
  return { clock, governor, lines, started };
}

describe('token buckets', () => {
  it('lets one second of calls through at once, then one per 1/rate seconds, in arrival order', async () => {
    const { clock, governor, started } = setup({ ratesPerSecond: { DescribeThing: 2 } });
    const calls = started();
    const order: number[] = [];
    const results = Array.from({ length: 6 }, (_, index) =>
      governor.run('DescribeThing', calls.call()).then(() => order.push(index)),
    );
    await settle();
    expect(calls.times).toEqual([0, 0]);
    await advance(clock, 2000);
    await Promise.all(results);
    expect(calls.times).toEqual([0, 0, 500, 1000, 1500, 2000]);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(governor.stats().DescribeThing).toEqual({
      calls: 6,
      throttled: 0,
      waitedMs: 500 + 1000 + 1500 + 2000,
    });
  });

  it('is one bucket per operation, shared by every caller: two bays split one quota, other operations are free', async () => {
    const { clock, governor, started } = setup({ ratesPerSecond: { CreateProvisioningClaim: 1 } });
    const bayA = started();
    const bayB = started();
    const reads = started();
    const work = [
      governor.run('CreateProvisioningClaim', bayA.call()),
      governor.run('CreateProvisioningClaim', bayB.call()),
      governor.run('CreateProvisioningClaim', bayA.call()),
      governor.run('CreateProvisioningClaim', bayB.call()),
      ...Array.from({ length: 5 }, () => governor.run('DescribeThing', reads.call())),
    ];
    await settle();
    expect(bayA.times).toEqual([0]);
    expect(bayB.times).toEqual([]);
    expect(reads.times).toEqual([0, 0, 0, 0, 0]);
    await advance(clock, 3000, 50);
    await Promise.all(work);
    expect(bayA.times).toEqual([0, 2000]);
    expect(bayB.times).toEqual([1000, 3000]);
  });

  it('refills while idle, never beyond one second of calls', async () => {
    const { clock, governor, started } = setup({ ratesPerSecond: { ListThingPrincipals: 4 } });
    clock.advance(60_000);
    const calls = started(clock.now());
    const all = Array.from({ length: 6 }, () => governor.run('ListThingPrincipals', calls.call()));
    await settle();
    expect(calls.times).toEqual([0, 0, 0, 0]);
    await advance(clock, 500);
    await Promise.all(all);
    expect(calls.times).toEqual([0, 0, 0, 0, 250, 500]);
  });

  it("defaults to AWS's documented rates and refuses rates that are not positive", () => {
    const { governor } = setup();
    expect(Object.keys(governor.stats()).sort()).toEqual([...iotOperationNames].sort());
    expect(iotRateQuotas.DescribeThing.perSecond).toBe(350);
    expect(iotRateQuotas.ListThingPrincipals.perSecond).toBe(10);
    for (const quota of Object.values(iotRateQuotas)) {
      expect(quota.quotaCode).toMatch(/^L-[0-9A-F]{8}$/);
      expect(quota.perSecond).toBeGreaterThan(0);
    }
    const clock = new ManualClock();
    for (const rate of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(
        () => new AwsCallGovernor({ clock, random: Math.random, ratesPerSecond: { DescribeThing: rate } }),
      ).toThrow(/DescribeThing must be a positive number/);
    }
    expect(() => new AwsCallGovernor({ clock, random: Math.random, maxThrottleRetries: 1.5 })).toThrow(
      /maxThrottleRetries/,
    );
  });
});

describe('throttling', () => {
  it('retries a throttled call after full-jitter exponential waits drawn from the injected random', async () => {
    const draws = [0.5, 0.25, 1];
    const { clock, governor, lines, started } = setup({
      random: () => draws.shift() ?? 0,
      backoff: { baseMs: 400, maxMs: 10_000 },
    });
    const calls = started();
    let failures = 3;
    const result = governor.run('DescribeCertificate', () => {
      calls.times.push(clock.now() - Date.UTC(2026, 0, 1));
      return failures-- > 0 ? Promise.reject(throttlingError()) : Promise.resolve('described');
    });
    // Waits: 0.5 × 400 = 200, then 0.25 × 800 = 200, then 1 × 1600 = 1600.
    await advance(clock, 2500);
    await expect(result).resolves.toBe('described');
    expect(calls.times).toEqual([0, 200, 400, 2000]);
    expect(governor.stats().DescribeCertificate).toEqual({ calls: 4, throttled: 3, waitedMs: 2000 });
    expect(lines).toEqual([
      'aws: DescribeCertificate throttled (ThrottlingException); retry 1 of 5 in 200 ms',
      'aws: DescribeCertificate throttled (ThrottlingException); retry 2 of 5 in 200 ms',
      'aws: DescribeCertificate throttled (ThrottlingException); retry 3 of 5 in 1600 ms',
    ]);
  });

  it('caps each wait at maxMs', async () => {
    const { clock, governor, started } = setup({
      random: () => 0.999,
      backoff: { baseMs: 1000, maxMs: 1500 },
      maxThrottleRetries: 3,
    });
    const calls = started();
    const result = governor.run('UpdateCertificate', () => {
      calls.times.push(clock.now() - Date.UTC(2026, 0, 1));
      return Promise.reject(throttlingError());
    });
    const outcome = result.catch((error: unknown) => error);
    await advance(clock, 5000);
    expect(await outcome).toMatchObject({ name: 'ThrottlingException' });
    // 999, then min(1500, 2000) × 0.999 = 1499 twice.
    expect(calls.times).toEqual([0, 999, 2498, 3997]);
  });

  it('gives up after maxThrottleRetries with the last throttling error, unchanged', async () => {
    const { clock, governor, lines } = setup({ maxThrottleRetries: 2 });
    const errors: Error[] = [];
    const result = governor
      .run('CreateProvisioningClaim', () => {
        const error = throttlingError();
        errors.push(error);
        return Promise.reject(error);
      })
      .catch((error: unknown) => error);
    await advance(clock, 5000);
    expect(await result).toBe(errors[2]);
    expect(errors).toHaveLength(3);
    expect(governor.stats().CreateProvisioningClaim).toMatchObject({ calls: 3, throttled: 3 });
    expect(lines.at(-1)).toBe(
      'aws: CreateProvisioningClaim still throttled (ThrottlingException) after 2 retries; giving up',
    );
  });

  it('treats 429, 503 ServiceUnavailable and the SDK throttling flag as throttling, and nothing else', async () => {
    const { clock, governor } = setup({ maxThrottleRetries: 1, backoff: { baseMs: 0, maxMs: 0 } });
    const retried = [
      Object.assign(new Error('slow down'), { name: 'TooManyRequests', $metadata: { httpStatusCode: 429 } }),
      Object.assign(new Error('try later'), {
        name: 'ServiceUnavailableException',
        $metadata: { httpStatusCode: 503 },
      }),
      Object.assign(new Error('x'), { name: 'SomethingElse', $retryable: { throttling: true } }),
    ];
    for (const error of retried) {
      let attempts = 0;
      const result = governor.run('DescribeThing', () =>
        attempts++ === 0 ? Promise.reject(error) : Promise.resolve('second time'),
      );
      await advance(clock, 100);
      await expect(result).resolves.toBe('second time');
    }
    const passedOn = [
      Object.assign(new Error('no'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }),
      Object.assign(new Error('gone'), {
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 404 },
      }),
      Object.assign(new Error('boom'), {
        name: 'InternalFailureException',
        $metadata: { httpStatusCode: 500 },
      }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    ];
    for (const error of passedOn) {
      let attempts = 0;
      const result = governor.run('DescribeThing', () => {
        attempts++;
        return Promise.reject(error);
      });
      await expect(result).rejects.toBe(error);
      expect(attempts).toBe(1);
    }
  });

  it('empties the bucket for every caller when AWS throttles one of them', async () => {
    const { clock, governor, started } = setup({
      ratesPerSecond: { DescribeThing: 10 },
      random: () => 0,
    });
    let throttleOnce = true;
    const first = governor.run('DescribeThing', () => {
      if (throttleOnce) {
        throttleOnce = false;
        return Promise.reject(throttlingError());
      }
      return Promise.resolve('retried');
    });
    await settle();
    // Nine tokens were left; the throttle drained them, so the next caller waits a full 1/rate.
    const other = started();
    const next = governor.run('DescribeThing', other.call());
    await settle();
    expect(other.times).toEqual([]);
    await advance(clock, 300);
    await expect(Promise.all([first, next])).resolves.toEqual(['retried', 'ok']);
    expect(other.times[0]).toBeGreaterThanOrEqual(100);
  });
});

describe('abort', () => {
  it('rejects a call waiting for its token with the signal reason; it never runs and the queue moves on', async () => {
    const { clock, governor, started } = setup({ ratesPerSecond: { DescribeThing: 1 } });
    const calls = started();
    const first = governor.run('DescribeThing', calls.call('first'));
    const controller = new AbortController();
    const cancelled = governor.run('DescribeThing', calls.call('cancelled'), controller.signal);
    const third = governor.run('DescribeThing', calls.call('third'));
    await settle();
    const reason = new Error('bay unplugged');
    controller.abort(reason);
    await expect(cancelled).rejects.toBe(reason);
    await advance(clock, 1000);
    await expect(Promise.all([first, third])).resolves.toEqual(['first', 'third']);
    expect(calls.times).toEqual([0, 1000]);
  });

  it('rejects during backoff without another attempt, and at once for a signal already aborted', async () => {
    const { clock, governor } = setup({ backoff: { baseMs: 1000, maxMs: 1000 }, random: () => 1 });
    const controller = new AbortController();
    let attempts = 0;
    const result = governor.run(
      'DetachThingPrincipal',
      () => {
        attempts++;
        return Promise.reject(throttlingError());
      },
      controller.signal,
    );
    await advance(clock, 300);
    controller.abort(new Error('operator cancelled'));
    await expect(result).rejects.toThrow('operator cancelled');
    await advance(clock, 3000);
    expect(attempts).toBe(1);
    expect(clock.pendingTimers).toBe(0);

    let ran = false;
    await expect(
      governor.run(
        'DescribeThing',
        () => {
          ran = true;
          return Promise.resolve();
        },
        AbortSignal.abort(new Error('already')),
      ),
    ).rejects.toThrow('already');
    expect(ran).toBe(false);
  });

  it('passes the abort reason on when the call itself fails because of the abort', async () => {
    const { governor } = setup();
    const controller = new AbortController();
    const reason = new Error('timed out');
    const result = governor.run(
      'ListProvisioningTemplates',
      () =>
        new Promise((_resolve, reject) => {
          controller.signal.addEventListener('abort', () =>
            reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })),
          );
        }),
      controller.signal,
    );
    await settle();
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
  });
});
