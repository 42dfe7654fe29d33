import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decideProvisioning,
  serialNumberRulesFrom,
} from '../../../backend-definition/pre-provisioning-hook.js';
import type { PreProvisioningHookEvent } from '../../../sandbox/iot/fleet-provisioning/pre-provisioning-hook.js';
import {
  hookLambdaEnvironment,
  serialNumberHookFunction,
  serialNumberHookOptionsFrom,
} from '../../../sandbox/orchestrator/serial-number-hook.js';

const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:StationPreProvisioningHook';

/** An event as the broker sends it (sandbox/iot/fleet-provisioning/pre-provisioning-hook.ts). */
function eventFor(serialNumber: string | undefined): PreProvisioningHookEvent {
  return {
    claimCertificateId: 'a'.repeat(64),
    certificateId: 'b'.repeat(64),
    certificatePem: '-----BEGIN CERTIFICATE-----',
    templateArn: 'arn:aws:iot:eu-west-1:123456789012:provisioningtemplate/TrustedUserProvisioningTemplate',
    clientId: 'claim-1',
    parameters: serialNumber === undefined ? {} : { SerialNumber: serialNumber },
  };
}

describe('the sandbox hook function', () => {
  it('gets the environment the Lambda reads, and decides as the Lambda’s code does', () => {
    const environment = hookLambdaEnvironment({ pattern: 'SN-[0-9]{4}', denied: ['SN-0666', 'SN-0667'] });
    expect(environment).toEqual({
      SERIAL_NUMBER_PATTERN: 'SN-[0-9]{4}',
      DENIED_SERIAL_NUMBERS: 'SN-0666,SN-0667',
    });
    const hook = serialNumberHookFunction(arn, environment);
    expect(hook).toMatchObject({ functionArn: arn, code: 'backend-definition/pre-provisioning-hook.ts' });
    expect(existsSync(join(import.meta.dirname, '../../..', hook.code))).toBe(true);
    const rules = serialNumberRulesFrom(environment);
    for (const serial of ['SN-0001', 'SN-0666', 'SN-0667', 'SN-12345', 'XY-0001', '', undefined]) {
      const event = eventFor(serial);
      expect(hook.invoke(event), String(serial)).toEqual(decideProvisioning(event, rules));
    }
    expect(hook.invoke(eventFor('SN-0001'))).toEqual({ allowProvisioning: true });
    expect(hook.invoke(eventFor('SN-0666'))).toEqual({ allowProvisioning: false });
    expect(hook.invoke(eventFor('XY-0001'))).toEqual({ allowProvisioning: false });
  });

  it('allows every serial number without rules, and only refuses an event without one', () => {
    const hook = serialNumberHookFunction(arn, hookLambdaEnvironment());
    expect(hook.environment).toEqual({});
    expect(hook.invoke(eventFor('any_thing:1'))).toEqual({ allowProvisioning: true });
    expect(hook.invoke(eventFor(undefined))).toEqual({ allowProvisioning: false });
  });

  it('refuses rules the Lambda would misread', () => {
    expect(() => hookLambdaEnvironment({ pattern: 'SN-(' })).toThrow(/not a regular expression/);
    expect(() => hookLambdaEnvironment({ denied: ['SN 1'] })).toThrow(/comma or white space/);
    expect(() => hookLambdaEnvironment({ denied: [''] })).toThrow(/empty/);
    expect(hookLambdaEnvironment({ pattern: '  ' })).toEqual({});
  });

  it('reads the Lambda’s variables for the CLI', () => {
    expect(
      serialNumberHookOptionsFrom({
        SERIAL_NUMBER_PATTERN: 'SN-.*',
        DENIED_SERIAL_NUMBERS: 'SN-1, SN-2 SN-3',
      }),
    ).toEqual({ pattern: 'SN-.*', denied: ['SN-1', 'SN-2', 'SN-3'] });
    expect(serialNumberHookOptionsFrom({})).toEqual({ denied: [] });
  });
});
