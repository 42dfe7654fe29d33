import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  decideProvisioning,
  handler,
  refusalReason,
  THING_NAME_FORMAT,
  validateSerialNumberPattern,
  type PreProvisioningHookEvent,
} from '../../../backend-definition/pre-provisioning-hook.js';

const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';

function eventFor(serial: string | undefined): PreProvisioningHookEvent & { certificatePem: string } {
  return {
    claimCertificateId: 'a'.repeat(64),
    certificateId: 'b'.repeat(64),
    certificatePem: pem,
    templateArn: 'arn:aws:iot:eu-west-1:123456789012:provisioningtemplate/T',
    clientId: 'claim-1',
    parameters: serial === undefined ? {} : { SerialNumber: serial },
  };
}

describe('the hook refuses a serial number that cannot be a thing name', () => {
  it("allows exactly AWS's thing-name characters, 1 to 128 of them", () => {
    for (const serial of ['SN-1', 'a:b_c-D9', 'x'.repeat(128)]) {
      expect(decideProvisioning(eventFor(serial), { denied: [] }), serial).toEqual({
        allowProvisioning: true,
      });
    }
    for (const serial of ['SN 1', 'SN/1', 'SN.1', 'SNé', 'x'.repeat(129), '💥', 'a\nb']) {
      expect(decideProvisioning(eventFor(serial), { denied: [] }), serial).toEqual({
        allowProvisioning: false,
      });
      expect(THING_NAME_FORMAT.test(serial)).toBe(false);
    }
  });

  it('checks the format before any pattern runs, so a pattern never sees a long input', () => {
    // A pattern that backtracks catastrophically on a long run of a's: never reached.
    const rules = { pattern: '(a|a)*', denied: [] };
    const started = performance.now();
    expect(refusalReason(eventFor(`${'a'.repeat(100_000)}!`), rules)).toMatch(/not a valid thing name/);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(refusalReason(eventFor('SN-1'), rules)).toMatch(/does not match SERIAL_NUMBER_PATTERN/);
  });

  it('says why it refuses', () => {
    expect(refusalReason(eventFor(undefined), { denied: [] })).toBe('no SerialNumber parameter');
    expect(refusalReason(eventFor('SN-1'), { denied: ['SN-1'] })).toMatch(/DENIED_SERIAL_NUMBERS/);
    expect(refusalReason(eventFor('SN-1'), { pattern: 'SN-(', denied: [] })).toMatch(
      /not a regular expression/,
    );
    expect(refusalReason(eventFor('SN-1'), { pattern: 'SN-[0-9]', denied: [] })).toBeUndefined();
  });
});

describe('validateSerialNumberPattern', () => {
  it('accepts what the hook can compile, empty included', () => {
    for (const pattern of ['', '  ', 'SN-[0-9]{6}', '(?:GW|SN)-\\d+']) {
      expect(() => validateSerialNumberPattern(pattern), pattern).not.toThrow();
    }
  });

  it('refuses what the hook could not compile, naming the variable and the pattern', () => {
    for (const pattern of ['SN-(', '[', 'a{2,1}', '\\p{Nope}']) {
      expect(() => validateSerialNumberPattern(pattern), pattern).toThrow(
        /^SERIAL_NUMBER_PATTERN ".*" is not a regular expression: /,
      );
    }
  });
});

describe('the Lambda handler', () => {
  const saved = { ...process.env };
  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...saved };
  });

  it('logs one line saying why it refused a device, without the certificate', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    process.env.SERIAL_NUMBER_PATTERN = 'SN-[0-9]{4}';
    process.env.DENIED_SERIAL_NUMBERS = 'SN-0013';
    expect(await handler(eventFor('SN-0001'))).toEqual({ allowProvisioning: true });
    expect(log).not.toHaveBeenCalled();
    expect(await handler(eventFor('SN-0013'))).toEqual({ allowProvisioning: false });
    expect(await handler(eventFor('XY-0001'))).toEqual({ allowProvisioning: false });
    expect(await handler(eventFor(`evil\n${'x'.repeat(500)}`))).toEqual({ allowProvisioning: false });
    const lines = log.mock.calls.map((call) => call.map(String).join(' '));
    expect(lines).toEqual([
      expect.stringMatching(/^pre-provisioning hook refused serial "SN-0013" .*DENIED_SERIAL_NUMBERS/),
      expect.stringMatching(/^pre-provisioning hook refused serial "XY-0001" .*does not match/),
      expect.stringMatching(/^pre-provisioning hook refused serial "evil\\nx+" .*not a valid thing name/),
    ]);
    for (const line of lines) {
      expect(line).not.toContain('\n');
      expect(line).not.toMatch(/BEGIN|MIIB/);
      expect(line.length).toBeLessThan(400);
    }
  });
});
