import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newGovernor, startAwsSandbox, type AwsSandbox } from './aws-sandbox-fixture.js';

/**
 * The governor against the sandbox's own throttling (one token bucket per operation, 400
 * ThrottlingException "Rate exceeded" when over it), through @aws-sdk/client-iot built with
 * maxAttempts 1: every retry is the governor's, and every request shows in the sandbox's log.
 */

const template = 'TrustedUserProvisioningTemplate';
const sandboxRate = 10;
let env: AwsSandbox;
const log: string[] = [];

beforeAll(async () => {
  env = await startAwsSandbox({
    rates: {
      controlPlaneOperations: {
        DescribeProvisioningTemplate: sandboxRate,
        ListProvisioningTemplates: sandboxRate,
        ListThingPrincipals: sandboxRate,
      },
    },
    log: (line) => log.push(line),
  });
});
afterAll(async () => {
  await env.close();
});

/** Each test uses its own operation, so it starts with a full sandbox bucket. */
function sandboxAnswers(operation: string): { ok: number; throttled: number } {
  const lines = log.filter((line) => line.startsWith(`iot: ${operation} `));
  return {
    ok: lines.filter((line) => line.includes('→ 200')).length,
    throttled: lines.filter((line) => line.includes('→ 400 ThrottlingException')).length,
  };
}

describe('shared governor vs the sandbox throttle', () => {
  it('absorbs the throttling of a burst larger than the quota: every call succeeds, retried with backoff', async () => {
    log.length = 0;
    const lines: string[] = [];
    const governor = newGovernor({
      // Far above the sandbox's 10/s, as when another station in the account uses the quota.
      ratesPerSecond: { DescribeProvisioningTemplate: 1000 },
      maxThrottleRetries: 10,
      backoff: { baseMs: 100, maxMs: 800 },
      log: (line) => lines.push(line),
    });
    const { registry: bayA } = await env.registryFor('installer', { governor });
    const { registry: bayB } = await env.registryFor('installer', { governor });
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, index) => (index % 2 === 0 ? bayA : bayB).describeTemplate(template)),
    );
    expect(results.every((result) => result.parameters.length === 5)).toBe(true);
    const stats = governor.stats().DescribeProvisioningTemplate;
    expect(stats.throttled).toBeGreaterThan(0);
    expect(stats.calls).toBe(24 + stats.throttled);
    // The SDK retried nothing itself: the sandbox saw exactly the governor's requests.
    expect(sandboxAnswers('DescribeProvisioningTemplate')).toEqual({ ok: 24, throttled: stats.throttled });
    expect(
      lines.some((line) =>
        /DescribeProvisioningTemplate throttled \(ThrottlingException\); retry 1 of 10/.test(line),
      ),
    ).toBe(true);
    // 24 calls at 10/s with 10 in the first second's bucket: at least 1.4 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1300);
  });

  it('sends no call AWS would throttle when its rate is below the quota', async () => {
    log.length = 0;
    const governor = newGovernor({ ratesPerSecond: { ListProvisioningTemplates: 8 } });
    const { registry } = await env.registryFor('installer', { governor });
    const lists = await Promise.all(Array.from({ length: 16 }, () => registry.listTemplates()));
    expect(lists.every((templates) => templates.some((t) => t.name === template))).toBe(true);
    expect(governor.stats().ListProvisioningTemplates).toMatchObject({ calls: 16, throttled: 0 });
    expect(sandboxAnswers('ListProvisioningTemplates')).toEqual({ ok: 16, throttled: 0 });
  });

  it('hands the throttle on as an AwsCallError once the retries are spent', async () => {
    const governor = newGovernor({ ratesPerSecond: { ListThingPrincipals: 1000 }, maxThrottleRetries: 0 });
    const { registry } = await env.registryFor('installer', { governor });
    // thingCertificates of a Thing that does not exist: one ListThingPrincipals each, answered 404 → null.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 15 }, () => registry.thingCertificates('SBX-NO-SUCH-THING')),
    );
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled').map((o) => o.value)).toEqual(
      Array.from({ length: sandboxRate }, () => null),
    );
    expect(refused).toHaveLength(5);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
      name: 'AwsCallError',
      kind: 'throttled',
      awsName: 'ThrottlingException',
      awsMessage: 'Rate exceeded',
      httpStatus: 400,
    });
  });
});
