import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../../sandbox/clock.js';
import { AwsApiError } from '../../../sandbox/iot/control-plane/aws-api-error.js';
import { checkedDataEndpointHost } from '../../../sandbox/iot/control-plane/endpoint-operations.js';
import { iotOperations } from '../../../sandbox/iot/control-plane/iot-control-plane.js';
import { OperationRouter } from '../../../sandbox/iot/control-plane/operation-router.js';
import { OperationThrottle } from '../../../sandbox/iot/control-plane/operation-throttle.js';
import { paginate } from '../../../sandbox/iot/control-plane/pagination.js';
import { parseQuery } from '../../../sandbox/iot/control-plane/request-query.js';
import { parseInput } from '../../../sandbox/iot/control-plane/request-validation.js';

function apiError(action: () => unknown): AwsApiError {
  try {
    action();
  } catch (error) {
    if (error instanceof AwsApiError) return error;
    throw error;
  }
  throw new Error('expected an AwsApiError');
}

describe('OperationThrottle', () => {
  it('allows a burst of one second, then refills at the rate from the clock', () => {
    const clock = new ManualClock(0);
    const throttle = new OperationThrottle(clock, {
      defaultTps: 3,
      operations: { CreateProvisioningClaim: 1 },
    });
    expect([1, 2, 3, 4].map(() => throttle.tryAcquire('ListThings'))).toEqual([true, true, true, false]);
    // Buckets are per operation.
    expect(throttle.tryAcquire('CreateProvisioningClaim')).toBe(true);
    expect(throttle.tryAcquire('CreateProvisioningClaim')).toBe(false);
    clock.advance(340);
    expect(throttle.tryAcquire('ListThings')).toBe(true);
    expect(throttle.tryAcquire('ListThings')).toBe(false);
    clock.advance(10_000);
    expect([1, 2, 3, 4].map(() => throttle.tryAcquire('ListThings'))).toEqual([true, true, true, false]);
  });

  it('refuses a rate that is not a positive number', () => {
    expect(() => new OperationThrottle(new ManualClock(), { defaultTps: 0 })).toThrow(/positive/);
    expect(() => new OperationThrottle(new ManualClock(), { operations: { X: Number.NaN } })).toThrow(/X/);
  });
});

describe('paginate', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];
  it('walks every item once, in order, and stays correct when items change between pages', () => {
    const first = paginate(items, (x) => x, 2, undefined);
    expect(first.items).toEqual(['a', 'b']);
    const withInsert = ['a', 'aa', 'b', 'c', 'd', 'e'];
    const second = paginate(withInsert, (x) => x, 2, first.nextToken);
    expect(second.items).toEqual(['c', 'd']);
    const third = paginate(items, (x) => x, 2, second.nextToken);
    expect(third).toEqual({ items: ['e'] });
  });

  it('pages in descending order and refuses tokens it did not issue', () => {
    const descending = [...items].reverse();
    const first = paginate(descending, (x) => x, 3, undefined, 'descending');
    expect(paginate(descending, (x) => x, 3, first.nextToken, 'descending').items).toEqual(['b', 'a']);
    expect(apiError(() => paginate(items, (x) => x, 2, 'garbage')).code).toBe('InvalidRequestException');
  });
});

describe('OperationRouter', () => {
  const router = new OperationRouter(iotOperations);
  it('routes by method and URI template and decodes labels', () => {
    const claim = router.match('POST', '/provisioning-templates/My%2DTemplate/provisioning-claim');
    expect(claim?.operation.name).toBe('CreateProvisioningClaim');
    expect(claim?.pathParams).toEqual({ templateName: 'My-Template' });
    expect(router.match('GET', '/things/dev%3A1')?.pathParams).toEqual({ thingName: 'dev:1' });
    expect(router.match('PUT', '/certificates/abc')?.operation.name).toBe('UpdateCertificate');
    expect(router.match('GET', '/things')?.operation.name).toBe('ListThings');
  });

  it('matches nothing for unknown paths, wrong methods, empty labels or bad escapes', () => {
    expect(router.match('DELETE', '/things/x')).toBeUndefined();
    expect(router.match('GET', '/things/')).toBeUndefined();
    expect(router.match('GET', '/things/%E0%A4%A')).toBeUndefined();
    expect(router.match('GET', '/nothing-here')).toBeUndefined();
  });
});

describe('request input', () => {
  it('reports validation failures the way AWS words them', () => {
    const schema = z.object({
      templateName: z
        .string()
        .min(1)
        .max(36)
        .regex(/^[0-9A-Za-z_-]+$/),
    });
    expect(apiError(() => parseInput(schema, { templateName: 'bad name' })).message).toBe(
      "1 validation error detected: Value 'bad name' at 'templateName' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [0-9A-Za-z_-]+',
    );
    expect(apiError(() => parseInput(schema, {})).message).toMatch(
      /Value null at 'templateName'.*must not be null/,
    );
    expect(apiError(() => parseInput(schema, { templateName: 'x'.repeat(37) })).message).toMatch(
      /length less than or equal to 36/,
    );
  });

  it('decodes query strings, keeping repeated keys', () => {
    expect(parseQuery('a=1&b=x%20y&a=2&flag')).toEqual({ a: ['1', '2'], b: 'x y', flag: '' });
    expect(apiError(() => parseQuery('a=%zz')).code).toBe('InvalidRequestException');
  });
});

describe('checkedDataEndpointHost', () => {
  it('takes a host name or IPv4 address, as DescribeEndpoint answers it', () => {
    for (const host of ['127.0.0.1', 'localhost', 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com']) {
      expect(checkedDataEndpointHost(host)).toBe(host);
    }
  });

  it('refuses a port (an SDK given host:port as its endpoint cannot resolve it) and anything not a host', () => {
    for (const value of [
      '127.0.0.1:8883',
      'abc-ats.iot.eu-west-1.amazonaws.com:8883',
      'mqtts://127.0.0.1',
      '',
      'a b',
    ]) {
      expect(() => checkedDataEndpointHost(value)).toThrow(/host name without a port/);
    }
  });
});
