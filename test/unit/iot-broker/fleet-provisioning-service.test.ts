import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sandbox/clock.js';
import type { ConnectionPrincipal } from '../../../sandbox/iot/broker/connection-authorizer.js';
import { CertificateAuthorityError } from '../../../sandbox/iot/certificate-authority.js';
import {
  FleetProvisioningService,
  OWNERSHIP_TOKEN_LIFETIME_MS,
  type DeviceCertificateIssuer,
} from '../../../sandbox/iot/fleet-provisioning/fleet-provisioning-service.js';
import type { PreProvisioningHookTarget } from '../../../sandbox/iot/fleet-provisioning/pre-provisioning-hook.js';
import { parseProvisioningRequestTopic } from '../../../sandbox/iot/fleet-provisioning/provisioning-topics.js';
import { IotRegistry } from '../../../sandbox/iot/iot-registry.js';

/** The Fleet Provisioning service without MQTT or real keys: a fake issuer, a real registry. */

const ACCOUNT = '123456789012';
const HOOK = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:hook`;
const fakeIssuer: DeviceCertificateIssuer = {
  issueDeviceCertificate: (input = {}) => {
    if (input.csrPem === 'bad')
      return Promise.reject(new CertificateAuthorityError('InvalidCsr', 'The CSR does not parse'));
    return Promise.resolve({
      certificateId: randomBytes(32).toString('hex'),
      certificatePem: '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n',
      ...(input.csrPem === undefined ? { privateKeyPem: '-----BEGIN RSA PRIVATE KEY-----\nfake\n' } : {}),
    });
  },
};
const template = (thing: Record<string, unknown> = {}) =>
  JSON.stringify({
    Parameters: { Serial: { Type: 'String' } },
    Resources: {
      thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: { Ref: 'Serial' }, ...thing } },
      certificate: {
        Type: 'AWS::IoT::Certificate',
        Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' } },
      },
    },
  });

function setup(hooks: Record<string, PreProvisioningHookTarget> = {}) {
  const clock = new ManualClock(1_700_000_000_000);
  const registry = new IotRegistry({ region: 'eu-west-1', accountId: ACCOUNT, clock });
  const add = (templateName: string, templateBody: string, extra: Record<string, unknown> = {}) =>
    registry.createTemplate({
      templateName,
      templateBody,
      provisioningRoleArn: `arn:aws:iam::${ACCOUNT}:role/Provisioning`,
      enabled: true,
      ...extra,
    });
  add('T', template());
  add('Hooked', template(), { preProvisioningHook: { targetArn: HOOK } });
  add('Jitp', template(), { type: 'JITP' });
  add(
    'Broken',
    JSON.stringify({
      Resources: { thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: { 'Fn::If': [1, 2, 3] } } } },
    }),
  );
  add('BadAttribute', template({ AttributePayload: { note: 'no!exclamation' } }));
  const service = new FleetProvisioningService({
    registry,
    ca: fakeIssuer,
    clock,
    hooks,
    hookTimeoutMs: 1000,
  });
  const principal: ConnectionPrincipal = {
    kind: 'claim',
    certificateId: 'f'.repeat(64),
    templateName: 'T',
    expiration: Infinity,
  };
  const call = async (topic: string, body: unknown) => {
    const request = parseProvisioningRequestTopic(topic);
    if (!request) throw new Error(`not a request topic: ${topic}`);
    const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    return service.handle(request, payload, { clientId: 'device', principal });
  };
  const createKeys = async () =>
    (await call('$aws/certificates/create/json', undefined)).body as Record<string, string>;
  const register = (templateName: string, token: string, serial = 'dev-1') =>
    call(`$aws/provisioning-templates/${templateName}/provision/json`, {
      certificateOwnershipToken: token,
      parameters: { Serial: serial },
    });
  return { clock, registry, service, call, createKeys, register };
}

describe('FleetProvisioningService', () => {
  it('CreateKeysAndCertificate: PENDING_ACTIVATION certificate, private key, one-hour token', async () => {
    const { registry, clock, createKeys } = setup();
    const created = await createKeys();
    expect(Object.keys(created).sort()).toEqual([
      'certificateId',
      'certificateOwnershipToken',
      'certificatePem',
      'privateKey',
    ]);
    expect(registry.getCertificate(created['certificateId'] ?? '')).toMatchObject({
      status: 'PENDING_ACTIVATION',
      ownershipTokenExpiresAt: clock.now() + OWNERSHIP_TOKEN_LIFETIME_MS,
    });
    expect(created['certificateOwnershipToken']).toMatch(/^[A-Za-z0-9_-]{100,500}$/);
  });

  it('CreateCertificateFromCsr: no private key; a bad CSR is 400 InvalidRequest', async () => {
    const { call } = setup();
    const good = await call('$aws/certificates/create-from-csr/json', { certificateSigningRequest: 'csr' });
    expect(good.outcome).toBe('accepted');
    expect(good.body).not.toHaveProperty('privateKey');
    const bad = await call('$aws/certificates/create-from-csr/json', { certificateSigningRequest: 'bad' });
    expect(bad.body).toEqual({
      statusCode: 400,
      errorCode: 'InvalidRequest',
      errorMessage: 'The certificate signing request is invalid: The CSR does not parse',
    });
    const missing = await call('$aws/certificates/create-from-csr/json', {});
    expect(missing.body).toMatchObject({ statusCode: 400, errorCode: 'InvalidPayload' });
  });

  it('two RegisterThing calls racing with one token: exactly one succeeds', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { createKeys, register } = setup({ [HOOK]: async () => (await gate, { allowProvisioning: true }) });
    const { certificateOwnershipToken } = await createKeys();
    const racing = [
      register('Hooked', certificateOwnershipToken ?? '', 'a'),
      register('Hooked', certificateOwnershipToken ?? '', 'b'),
    ];
    release();
    const outcomes = (await Promise.all(racing)).map((response) => response.outcome).sort();
    expect(outcomes).toEqual(['accepted', 'rejected']);
  });

  it('sweeps only unregistered certificates whose token expired', async () => {
    const { clock, registry, service, createKeys, register } = setup();
    const used = await createKeys();
    expect((await register('T', used['certificateOwnershipToken'] ?? '')).outcome).toBe('accepted');
    const unused = await createKeys();
    clock.advance(OWNERSHIP_TOKEN_LIFETIME_MS - 1);
    expect(service.sweepExpiredCertificates()).toBe(0);
    clock.advance(1);
    expect(service.sweepExpiredCertificates()).toBe(1);
    expect(registry.getCertificate(unused['certificateId'] ?? '')).toBeUndefined();
    expect(registry.getCertificate(used['certificateId'] ?? '')?.status).toBe('ACTIVE');
  });

  it('answers unknown, JITP and structurally broken templates with clear rejections', async () => {
    const { createKeys, register } = setup();
    const token = (await createKeys())['certificateOwnershipToken'] ?? '';
    expect((await register('Nope', token)).body).toMatchObject({
      statusCode: 404,
      errorCode: 'ResourceNotFound',
    });
    expect((await register('Jitp', token)).body).toMatchObject({
      statusCode: 400,
      errorCode: 'InvalidRequest',
    });
    expect((await register('Broken', token)).body).toMatchObject({
      statusCode: 400,
      errorCode: 'InvalidTemplate',
      errorMessage: expect.stringContaining('Fn::If is not supported'),
    });
  });

  it('a registry refusal rolls everything back and leaves the token usable', async () => {
    const { createKeys, register, registry } = setup();
    const created = await createKeys();
    const answer = await register('BadAttribute', created['certificateOwnershipToken'] ?? '');
    expect(answer.body).toMatchObject({ statusCode: 400, errorCode: 'ResourceRegistrationFailure' });
    expect(registry.getThing('dev-1')).toBeUndefined();
    expect(registry.getCertificate(created['certificateId'] ?? '')).toMatchObject({
      status: 'PENDING_ACTIVATION',
    });
    expect((await register('T', created['certificateOwnershipToken'] ?? '')).outcome).toBe('accepted');
  });

  it('refuses payloads that are not objects', async () => {
    const { call } = setup();
    expect((await call('$aws/provisioning-templates/T/provision/json', ['x'])).body).toMatchObject({
      statusCode: 400,
      errorCode: 'InvalidPayload',
    });
  });
});
