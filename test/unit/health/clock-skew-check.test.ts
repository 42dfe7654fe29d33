import { describe, expect, it } from 'vitest';
import {
  classifySkew,
  clockSkewCheck,
  describeDuration,
} from '../../../src/main/core/health/clock-skew-check.js';
import type { EndpointProbe } from '../../../src/main/core/health/endpoint-check.js';

const minute = 60_000;
const at = Date.UTC(2026, 2, 1, 12, 0, 0);

function probe(name: string, skewMs: number | null, code: string | null = null): EndpointProbe {
  return {
    endpoint: { name, protocol: 'https', address: `https://${name}.example` },
    outcome: skewMs === null ? 'unreachable' : 'reachable',
    detail: skewMs === null ? 'failed' : 'HTTP 400',
    code,
    serverDate: skewMs === null ? null : at - skewMs,
    receivedAt: skewMs === null ? null : at,
  };
}

describe('classifySkew', () => {
  it.each([
    [0, 'ok'],
    [59_000, 'ok'],
    [minute, 'ok'],
    [minute + 1, 'warning'],
    [-90_000, 'warning'],
    [5 * minute, 'warning'],
    [5 * minute + 1, 'problem'],
    [-10 * minute, 'problem'],
    [48 * 60 * minute, 'problem'],
  ] as const)('%d ms off is %s', (skew, status) => {
    expect(classifySkew(skew)).toBe(status);
  });
});

describe('describeDuration', () => {
  it.each([
    [40_000, '40 s'],
    [10 * minute, '10 min'],
    [10 * minute + 3000, '10 min 3 s'],
    [-(2 * 60 * minute + 5 * minute), '2 h 5 min'],
  ] as const)('%d ms reads %s', (ms, words) => {
    expect(describeDuration(ms)).toBe(words);
  });
});

describe('clockSkewCheck', () => {
  it('takes the largest difference, says which way and where it came from, and how to fix it on Linux', () => {
    const check = clockSkewCheck('linux', true, [probe('user-pool', 20_000), probe('iot', -10 * minute)]);
    expect(check.status).toBe('problem');
    expect(check.summary).toMatch(/10 min behind the servers' \(from iot's Date header\)/);
    expect(check.summary).toMatch(/SigV4/);
    expect(check.command).toBe('sudo timedatectl set-ntp true');
  });

  it('warns between one and five minutes, with the platform’s own way to sync', () => {
    const windows = clockSkewCheck('win32', true, [probe('iot', 2 * minute)]);
    expect(windows).toMatchObject({ status: 'warning', command: 'w32tm /resync' });
    expect(windows.summary).toMatch(/2 min ahead of/);
    expect(windows.fix).toMatch(/Set time automatically/);
    const mac = clockSkewCheck('darwin', true, [probe('iot', 3 * minute)]);
    expect(mac.fix).toMatch(/Set time and date automatically/);
  });

  it('is ok within a minute', () => {
    expect(clockSkewCheck('linux', true, [probe('iot', 1500)])).toMatchObject({
      status: 'ok',
      fix: null,
      command: null,
    });
  });

  it('cannot check without an answer, unless a certificate was refused for its dates', () => {
    expect(clockSkewCheck('linux', true, [probe('iot', null, 'ECONNREFUSED')]).status).toBe('warning');
    const dates = clockSkewCheck('linux', true, [probe('iot', null, 'CERT_NOT_YET_VALID')]);
    expect(dates.status).toBe('problem');
    expect(dates.summary).toMatch(/not yet valid: this computer's clock is probably wrong/);
    expect(clockSkewCheck('linux', false, []).summary).toMatch(/no AWS profile/);
  });
});
