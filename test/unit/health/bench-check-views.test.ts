import { describe, expect, it } from 'vitest';
import { clockSkewCheck } from '../../../src/main/core/health/clock-skew-check.js';
import { reachabilityCheck, type EndpointProbe } from '../../../src/main/core/health/endpoint-check.js';
import { portHolderCheck } from '../../../src/main/core/health/port-holder-check.js';
import { secretStorageCheck } from '../../../src/main/core/health/secret-storage-check.js';
import { serialPermissionCheck } from '../../../src/main/core/health/serial-access-check.js';
import { packagedUdevRulesPath } from '../../../src/main/core/health/udev-rule.js';
import { assertNoSecrets } from '../../../src/main/core/ipc/secret-guard.js';
import { redactForDisplay } from '../../../src/main/core/logging/secret-redaction.js';
import type { StationProfile } from '../../../src/shared/station-profile-schema.js';
import { responseSchemas } from '../../../src/shared/ipc-output-schemas.js';
import type { BenchCheckView } from '../../../src/shared/view-models.js';

/**
 * Every wording the checks can produce goes to the renderer: each must pass the health.check output
 * schema and the IPC secret guard (commands hold `=`, quotes and `$USER`, which the secret shapes
 * look at), or the operator would get an internal error instead of the fix.
 */

const profile = (kind: 'aws' | 'sandbox'): StationProfile => ({
  name: 'Bench',
  kind,
  region: 'eu-west-1',
  cognito: {
    userPoolId: 'eu-west-1_Abc123',
    userPoolClientId: 'client',
    identityPoolId: 'eu-west-1:00000000-0000-0000-0000-000000000000',
  },
  iot: { dataEndpoint: 'abc-ats.iot.eu-west-1.amazonaws.com:8883', templateName: 'Bench' },
});

const failedProbe: EndpointProbe = {
  endpoint: { name: 'IoT control plane', protocol: 'https', address: 'https://iot.eu-west-1.amazonaws.com' },
  outcome: 'tls-refused',
  detail: 'its TLS certificate was refused (CERT_NOT_YET_VALID)',
  code: 'CERT_NOT_YET_VALID',
  serverDate: null,
  receivedAt: null,
};

function allWordings(): BenchCheckView[] {
  const port = (mode: number, gid: number, realPath = '/dev/ttyUSB0') => ({
    path: '/dev/serial/by-id/usb-FTDI_FT232R-if00-port0',
    realPath,
    file: { mode, uid: 0, gid },
    error: null,
  });
  const groups = [
    { name: 'root', gid: 0, members: [] },
    { name: 'dialout', gid: 20, members: ['bob'] },
  ];
  const who = { uid: 1000, gid: 1000, groups: [] };
  const serial = (overrides: Partial<Parameters<typeof serialPermissionCheck>[0]>) =>
    serialPermissionCheck({
      platform: 'linux',
      ports: [port(0o660, 20)],
      who,
      username: 'alice',
      groups,
      udevRulesPath: packagedUdevRulesPath,
      ...overrides,
    });
  const skew = (ms: number): EndpointProbe => ({
    ...failedProbe,
    outcome: 'reachable',
    code: null,
    serverDate: 0,
    receivedAt: ms,
  });
  return [
    serial({}),
    serial({ username: 'bob' }),
    serial({ ports: [port(0o600, 0)] }),
    serial({ ports: [port(0o600, 0)], udevRulesInstalled: true }),
    serial({ ports: [port(0o600, 0)], who: { ...who, groups: [20] }, udevRulesInstalled: false }),
    serial({ ports: [port(0o620, 5, '/dev/pts/3')] }),
    serial({ ports: [] }),
    serial({ platform: 'win32', who: null }),
    portHolderCheck('linux', 1, {
      holders: [{ pid: 77, name: 'ModemManager', path: '/dev/ttyACM0' }],
      unreadable: [],
      complete: true,
    }),
    portHolderCheck('linux', 1, {
      holders: [{ pid: 78, name: 'brltty', path: '/dev/ttyUSB0' }],
      unreadable: [],
      complete: true,
    }),
    portHolderCheck('linux', 1, {
      holders: [{ pid: 79, name: 'picocom', path: '/dev/ttyUSB0' }],
      unreadable: [],
      complete: true,
    }),
    reachabilityCheck(undefined, 'none', []),
    reachabilityCheck(profile('aws'), 'imported', [failedProbe]),
    reachabilityCheck(profile('sandbox'), 'command-line', [
      { ...failedProbe, outcome: 'unreachable', code: 'ECONNREFUSED' },
    ]),
    reachabilityCheck(profile('sandbox'), 'embedded', [
      { ...failedProbe, outcome: 'unreachable', code: 'ECONNREFUSED' },
    ]),
    clockSkewCheck('linux', true, [skew(10 * 60_000)]),
    clockSkewCheck('win32', true, [skew(-2 * 60_000)]),
    clockSkewCheck('darwin', true, [skew(7 * 60_000)]),
    clockSkewCheck('linux', true, [failedProbe]),
    secretStorageCheck('linux', null),
    secretStorageCheck('win32', {
      isEncryptionAvailable: () => true,
      encryptString: () => Buffer.alloc(0),
      decryptString: () => '',
    }),
  ];
}

describe('every check wording', () => {
  it('passes the health.check output schema and the secret guard', () => {
    const checks = allWordings();
    expect(checks.filter((check) => check.command !== null).length).toBeGreaterThan(8);
    const view = { checkedAt: Date.now(), checks };
    const parsed = responseSchemas['health.check'].safeParse(view);
    expect(parsed.error?.issues ?? []).toEqual([]);
    for (const [index, check] of checks.entries()) {
      expect(
        () => assertNoSecrets(check, `$.checks[${index}]`),
        `${check.id}: ${check.command ?? check.fix}`,
      ).not.toThrow();
      // What the operator copies is what runs: fitting a command for the view (redaction, the length
      // bound) must leave it whole.
      if (check.command !== null) expect(redactForDisplay(check.command, 1000)).toBe(check.command);
    }
  });

  it('names the sandbox or the network according to the profile', () => {
    const [sandbox, imported, aws] = [
      reachabilityCheck(profile('sandbox'), 'command-line', [failedProbe]),
      reachabilityCheck(profile('sandbox'), 'imported', [failedProbe]),
      reachabilityCheck(profile('aws'), 'command-line', [failedProbe]),
    ];
    expect(sandbox.summary).toMatch(/^The sandbox is not running/);
    expect(sandbox.command).toBe('npm run sandbox');
    expect(sandbox.fix).toMatch(/run npm run sandbox/);
    expect(imported.command).toBe('npm run sandbox');
    expect(aws.summary).toMatch(/^No answer from AWS/);
    expect(aws.fix).toMatch(/A refused certificate comes from a wrong clock or a proxy that inspects TLS/);
  });

  it('tells the operator of the embedded sandbox to restart the station or choose it again, with no command', () => {
    const embedded = reachabilityCheck(profile('sandbox'), 'embedded', [failedProbe]);
    expect(embedded).toMatchObject({ status: 'problem', title: 'Sandbox reachable', command: null });
    expect(embedded.summary).toMatch(/^The embedded sandbox is not answering/);
    expect(embedded.summary).toContain('IoT control plane https://iot.eu-west-1.amazonaws.com');
    expect(embedded.fix).toMatch(/^Restart the station/);
    expect(embedded.fix).toMatch(/on the AWS profile screen, .*choose "Use the embedded sandbox" again/);
    expect(embedded.fix).not.toMatch(/npm/);
    // Once it answers, where it came from changes nothing.
    const answered = reachabilityCheck(profile('sandbox'), 'embedded', [
      { ...failedProbe, outcome: 'reachable', detail: 'HTTP 400', code: null },
    ]);
    expect(answered).toMatchObject({ status: 'ok', fix: null, command: null });
  });
});
