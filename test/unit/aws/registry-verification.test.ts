import { createHash, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sandbox/clock.js';
import { CertificateAuthority } from '../../../sandbox/iot/certificate-authority.js';
import {
  certificateFingerprint,
  certificateIdFromArn,
  decideVerification,
  normalizeFingerprint,
  type RegistryFacts,
} from '../../../src/main/core/aws/registry-verification.js';
import {
  parseTemplateParameters,
  TemplateBodyError,
} from '../../../src/main/core/aws/template-parameters.js';
import {
  thingAttributeValuePattern,
  toThingAttributeValue,
} from '../../../src/main/core/aws/thing-attribute-value.js';

const arn = (resource: string) => `arn:aws:iot:eu-west-1:123456789012:${resource}`;
let pem: string;
let id: string;

beforeAll(async () => {
  const ca = await CertificateAuthority.create({ clock: new ManualClock(Date.now()) });
  const device = await ca.issueDeviceCertificate();
  pem = device.certificatePem;
  id = device.certificateId;
});

function facts(overrides: Partial<RegistryFacts> = {}): RegistryFacts {
  return {
    thing: { thingArn: arn('thing/SN-1') },
    principals: [arn(`cert/${id}`)],
    certificate: { certificateArn: arn(`cert/${id}`), status: 'ACTIVE', certificatePem: pem },
    ...overrides,
  };
}

describe('certificate fingerprints', () => {
  it('is the lowercase SHA-256 of the DER, which is the certificate id AWS gives it', () => {
    const der = new X509Certificate(pem).raw;
    expect(certificateFingerprint(pem)).toBe(createHash('sha256').update(der).digest('hex'));
    expect(certificateFingerprint(pem)).toBe(id);
    expect(normalizeFingerprint('AB:cd:EF 01')).toBe('abcdef01');
    expect(certificateIdFromArn(arn(`cert/${id.toUpperCase()}`))).toBe(id);
    expect(certificateIdFromArn('eu-west-1:cognito-identity')).toBeUndefined();
  });
});

describe('decideVerification', () => {
  const expected = () => ({ thingName: 'SN-1', certificateId: id, fingerprint: id });

  it('passes and reports the other certificates a reset mid-provisioning left on the Thing', () => {
    const other = 'b'.repeat(64);
    expect(
      decideVerification(
        { ...expected(), fingerprint: id.toUpperCase() },
        facts({ principals: [arn(`cert/${other}`), arn(`cert/${id}`), 'eu-west-1:some-cognito-id'] }),
      ),
    ).toEqual({
      ok: true,
      thingArn: arn('thing/SN-1'),
      certificateArn: arn(`cert/${id}`),
      otherCertificateIds: [other],
    });
  });

  // Functions: the certificate only exists once beforeAll has run.
  it.each([
    ['THING_MISSING', (): Partial<RegistryFacts> => ({ thing: null, principals: [] })],
    ['CERTIFICATE_MISSING', (): Partial<RegistryFacts> => ({ certificate: null })],
    [
      'CERTIFICATE_NOT_ATTACHED',
      (): Partial<RegistryFacts> => ({ principals: [arn(`cert/${'c'.repeat(64)}`)] }),
    ],
    [
      'CERTIFICATE_NOT_ACTIVE',
      (): Partial<RegistryFacts> => ({
        certificate: { certificateArn: arn(`cert/${id}`), status: 'INACTIVE', certificatePem: pem },
      }),
    ],
  ] as const)('%s', (code, override) => {
    const outcome = decideVerification(expected(), facts(override()));
    expect(outcome).toMatchObject({ ok: false, code });
    if (!outcome.ok) {
      expect(outcome.message.length).toBeGreaterThan(10);
      expect(outcome.hint.length).toBeGreaterThan(10);
    }
    if (code === 'CERTIFICATE_NOT_ACTIVE' && !outcome.ok) expect(outcome.message).toContain('INACTIVE');
  });

  it('FINGERPRINT_MISMATCH when the device fingerprint, the certificate id or the registry PEM disagree', () => {
    const wrong = 'd'.repeat(64);
    for (const mismatch of [
      decideVerification({ ...expected(), fingerprint: wrong }, facts()),
      decideVerification(
        { ...expected(), certificateId: wrong },
        facts({ principals: [arn(`cert/${wrong}`)] }),
      ),
      decideVerification(
        expected(),
        facts({
          certificate: { certificateArn: arn(`cert/${id}`), status: 'ACTIVE', certificatePem: 'junk' },
        }),
      ),
    ]) {
      expect(mismatch).toMatchObject({ ok: false, code: 'FINGERPRINT_MISMATCH' });
    }
  });
});

describe('parseTemplateParameters', () => {
  it('lists declared parameters with type and default, without AWS:: pseudo parameters', () => {
    const body = JSON.stringify({
      Parameters: {
        SerialNumber: { Type: 'String' },
        'AWS::IoT::Certificate::Id': { Type: 'String' },
        Model: { Type: 'String', Default: 'generic' },
        Count: { Default: 3 },
      },
    });
    expect(parseTemplateParameters('T', body)).toEqual([
      { name: 'SerialNumber', type: 'String', default: null },
      { name: 'Model', type: 'String', default: 'generic' },
      { name: 'Count', type: 'String', default: '3' },
    ]);
    expect(parseTemplateParameters('T', '{"Resources":{}}')).toEqual([]);
  });

  it('refuses a body that is not JSON or whose Parameters are malformed, naming the template', () => {
    expect(() => parseTemplateParameters('Broken', '{"Parameters":')).toThrow(TemplateBodyError);
    expect(() => parseTemplateParameters('Broken', '{"Parameters":')).toThrow(
      /template Broken cannot be read: its body is not valid JSON .*Ask your AWS admin to fix the template body of Broken/,
    );
    expect(() => parseTemplateParameters('T', '[]')).toThrow(/not a JSON object/);
    expect(() => parseTemplateParameters('T', '{"Parameters":[]}')).toThrow(/Parameters section/);
    expect(() => parseTemplateParameters('T', '{"Parameters":{"A":"String"}}')).toThrow(/parameter A/);
    expect(() => parseTemplateParameters('T', '{"Parameters":{"A":{"Default":{}}}}')).toThrow(/Default/);
  });
});

describe('toThingAttributeValue', () => {
  it('replaces characters AWS refuses in attribute values and cuts to 800', () => {
    expect(toThingAttributeValue("o'brien!")).toBe('o_brien_');
    expect(toThingAttributeValue('ops@example.com, bench 3')).toBe('ops@example.com, bench 3');
    expect(toThingAttributeValue('Jürgen')).toBe('Jürgen');
    expect(toThingAttributeValue('x'.repeat(900))).toHaveLength(800);
    expect(thingAttributeValuePattern.test(toThingAttributeValue('a\nb\u0000c<d>'))).toBe(true);
  });
});
