import { encode } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { decodePayload, encodePayload } from '../../../sandbox/iot/fleet-provisioning/payload-codec.js';
import {
  isLoopbackUrl,
  runPreProvisioningHook,
  type PreProvisioningHookEvent,
} from '../../../sandbox/iot/fleet-provisioning/pre-provisioning-hook.js';
import {
  isProvisioningTopic,
  parseProvisioningRequestTopic,
  responseTopic,
} from '../../../sandbox/iot/fleet-provisioning/provisioning-topics.js';
import { ProvisioningRejection } from '../../../sandbox/iot/fleet-provisioning/provisioning-rejection.js';
import {
  parseRequest,
  registerThingRequestSchema,
} from '../../../sandbox/iot/fleet-provisioning/request-schemas.js';

describe('provisioning topics', () => {
  it('parses the three request topics in both formats, and nothing else', () => {
    expect(parseProvisioningRequestTopic('$aws/certificates/create/json')).toMatchObject({
      api: 'CreateKeysAndCertificate',
      format: 'json',
    });
    expect(parseProvisioningRequestTopic('$aws/certificates/create-from-csr/cbor')).toMatchObject({
      api: 'CreateCertificateFromCsr',
      format: 'cbor',
    });
    const register = parseProvisioningRequestTopic(
      '$aws/provisioning-templates/My_Template-1/provision/json',
    );
    expect(register).toMatchObject({ api: 'RegisterThing', templateName: 'My_Template-1' });
    expect(responseTopic(register!, 'rejected')).toBe(
      '$aws/provisioning-templates/My_Template-1/provision/json/rejected',
    );
    expect(parseProvisioningRequestTopic('$aws/certificates/create/xml')).toBeUndefined();
    expect(parseProvisioningRequestTopic('$aws/certificates/create/json/accepted')).toBeUndefined();
    expect(isProvisioningTopic('$aws/certificates/create/json/accepted')).toBe(true);
    expect(isProvisioningTopic('devices/x')).toBe(false);
  });
});

describe('payload codec', () => {
  it('reads an empty payload as {} and round-trips JSON and CBOR', () => {
    expect(decodePayload(Buffer.alloc(0), 'json')).toEqual({});
    const value = { certificateOwnershipToken: 't', parameters: { a: 'b' } };
    expect(decodePayload(encodePayload(value, 'json'), 'json')).toEqual(value);
    expect(decodePayload(encodePayload(value, 'cbor'), 'cbor')).toEqual(value);
    expect(decodePayload(Buffer.from(encode(value)), 'cbor')).toEqual(value);
  });

  it('answers 400 InvalidPayload for bytes that do not decode', () => {
    expect(() => decodePayload(Buffer.from('{oops'), 'json')).toThrow(ProvisioningRejection);
    expect(() => decodePayload(Buffer.from([0xff, 0xff, 0xff]), 'cbor')).toThrow(/not valid CBOR/);
  });
});

describe('request schemas', () => {
  it('accepts string parameters and refuses other shapes with a clear message', () => {
    expect(
      parseRequest(
        registerThingRequestSchema,
        { certificateOwnershipToken: 't', parameters: { a: 'b' } },
        'RegisterThing',
      ),
    ).toEqual({
      certificateOwnershipToken: 't',
      parameters: { a: 'b' },
    });
    expect(() => parseRequest(registerThingRequestSchema, { parameters: { a: 1 } }, 'RegisterThing')).toThrow(
      /Invalid RegisterThing request: parameters.a/,
    );
    expect(() => parseRequest(registerThingRequestSchema, [], 'RegisterThing')).toThrow(/must be an object/);
  });
});

describe('runPreProvisioningHook', () => {
  const event: PreProvisioningHookEvent = {
    claimCertificateId: 'a',
    certificateId: 'b',
    certificatePem: 'pem',
    templateArn: 'arn',
    clientId: 'c',
    parameters: { x: '1' },
  };

  it('passes overrides through when provisioning is allowed', async () => {
    const outcome = await runPreProvisioningHook(
      (received) => ({ allowProvisioning: received.parameters['x'] === '1', parameterOverrides: { y: '2' } }),
      'arn',
      event,
    );
    expect(outcome).toEqual({ allowed: true, parameterOverrides: { y: '2' } });
  });

  it('denies on false, error, bad shape, timeout, missing target and non-loopback URLs', async () => {
    const denied = async (target: Parameters<typeof runPreProvisioningHook>[0]) =>
      (await runPreProvisioningHook(target, 'arn:aws:lambda:x', event, 100)).allowed;
    expect(await denied(() => ({ allowProvisioning: false }))).toBe(false);
    expect(await denied(() => ({ allowProvisioning: 'true' }))).toBe(false);
    expect(await denied(() => Promise.reject(new Error('boom')))).toBe(false);
    expect(await denied(() => new Promise(() => undefined))).toBe(false);
    expect(await denied(undefined)).toBe(false);
    expect(await denied('http://example.com/hook')).toBe(false);
  });

  it('knows loopback URLs', () => {
    expect(isLoopbackUrl('http://127.0.0.1:8080/x')).toBe(true);
    expect(isLoopbackUrl('http://localhost/x')).toBe(true);
    expect(isLoopbackUrl('https://127.0.0.1/x')).toBe(false);
    expect(isLoopbackUrl('http://10.0.0.1/x')).toBe(false);
    expect(isLoopbackUrl('not a url')).toBe(false);
  });
});
