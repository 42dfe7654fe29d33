import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decode, encode } from 'cbor-x';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreProvisioningHookTarget } from '../../../sandbox/iot/fleet-provisioning/pre-provisioning-hook.js';
import {
  ACCOUNT,
  CREATE_KEYS_TOPIC,
  TEMPLATE,
  ask,
  closed,
  connectMqtt,
  connectOutcome,
  createKeys,
  deviceTemplateBody,
  endQuietly,
  registerTopic,
  startSandbox,
  type Sandbox,
} from './broker-fixture.js';

/**
 * Fleet Provisioning as devices get it wrong in the field (the reference's pitfalls table) and
 * every rejection path of RegisterThing, with the `mqtt` npm client on the device side.
 */

const HOOK_ARN = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:bench-hook`;
const hooks: Record<string, PreProvisioningHookTarget> = {};
let sandbox: Sandbox;
let clientNumber = 0;
const nextClientId = () => `device-${process.pid}-${++clientNumber}`;

function addTemplate(
  templateName: string,
  body: unknown,
  extra: { enabled?: boolean; hook?: boolean } = {},
): void {
  sandbox.registry.createTemplate({
    templateName,
    templateBody: JSON.stringify(body),
    provisioningRoleArn: `arn:aws:iam::${ACCOUNT}:role/ProvisioningRole`,
    enabled: extra.enabled ?? true,
    ...(extra.hook ? { preProvisioningHook: { targetArn: HOOK_ARN, payloadVersion: '2020-04-01' } } : {}),
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ templateHooks: hooks, hookTimeoutMs: 300 });
  addTemplate('DisabledTemplate', deviceTemplateBody, { enabled: false });
  addTemplate('HookTemplate', deviceTemplateBody, { hook: true });
  addTemplate('NoThingTemplate', {
    Parameters: { 'AWS::IoT::Certificate::Id': { Type: 'String' } },
    Resources: {
      certificate: {
        Type: 'AWS::IoT::Certificate',
        Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' } },
      },
    },
  });
  // Stored directly in the registry: the control plane's validator would refuse this template.
  addTemplate('RegionTemplate', {
    Resources: {
      thing: {
        Type: 'AWS::IoT::Thing',
        Properties: { ThingName: { 'Fn::Join': ['-', ['bench', { Ref: 'AWS::Region' }]] } },
      },
    },
  });
});
afterAll(async () => {
  await sandbox.stop();
});

/** A claim connection for `templateName`, closed after the test body. */
async function withClaim<T>(
  run: (client: Awaited<ReturnType<typeof connectMqtt>>) => Promise<T>,
  options: { templateName?: string; protocolVersion?: 4 | 5 } = {},
): Promise<T> {
  const claim = await sandbox.makeClaim(options.templateName ?? TEMPLATE);
  const client = await connectMqtt(sandbox, claim, {
    clientId: nextClientId(),
    protocolVersion: options.protocolVersion ?? 4,
  });
  try {
    return await run(client);
  } finally {
    await endQuietly(client);
  }
}

const registerPayload = (token: string, serial = `s${Date.now()}`) =>
  JSON.stringify({ certificateOwnershipToken: token, parameters: { SerialNumber: serial } });

describe('responses go only to a subscribed requester', () => {
  it('publishing before subscribing gets no answer (pitfall: no response on accepted topic)', async () => {
    await withClaim(async (client) => {
      const answer = await ask(client, CREATE_KEYS_TOPIC, '{}', { subscribeFirst: false, waitMs: 800 });
      expect(answer.outcome).toBe('none');
      expect(
        sandbox.logs.some((line) =>
          line.includes('not subscribed to $aws/certificates/create/json/accepted'),
        ),
      ).toBe(true);
    });
  });

  it('publishing before the SUBACK arrived gets no answer either', async () => {
    await withClaim(async (client) => {
      const responses: string[] = [];
      client.on('message', (topic) => responses.push(topic));
      // SUBSCRIBE and PUBLISH leave back to back; the broker activates subscriptions with the SUBACK.
      client.subscribe([`${CREATE_KEYS_TOPIC}/accepted`, `${CREATE_KEYS_TOPIC}/rejected`], { qos: 1 });
      client.publish(CREATE_KEYS_TOPIC, '{}', { qos: 1 });
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(responses).toEqual([]);
      // Once subscribed, the same request is answered.
      expect((await ask(client, CREATE_KEYS_TOPIC, '{}', { subscribeFirst: false })).outcome).toBe(
        'accepted',
      );
    });
  });

  it('two claim devices on identical topics each get only their own answer', async () => {
    const claim = await sandbox.makeClaim();
    const first = await connectMqtt(sandbox, claim, { clientId: nextClientId() });
    const second = await connectMqtt(sandbox, claim, { clientId: nextClientId(), protocolVersion: 5 });
    try {
      const seen = { first: [] as string[], second: [] as string[] };
      first.on('message', (_topic, payload) => seen.first.push(JSON.parse(payload.toString()).certificateId));
      second.on('message', (_topic, payload) =>
        seen.second.push(JSON.parse(payload.toString()).certificateId),
      );
      const [a, b] = await Promise.all([
        ask(first, CREATE_KEYS_TOPIC, '{}'),
        ask(second, CREATE_KEYS_TOPIC, '{}'),
      ]);
      expect(a.outcome).toBe('accepted');
      expect(b.outcome).toBe('accepted');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen.first).toEqual([a.body?.['certificateId']]);
      expect(seen.second).toEqual([b.body?.['certificateId']]);
      expect(a.body?.['certificateId']).not.toBe(b.body?.['certificateId']);
    } finally {
      await endQuietly(first);
      await endQuietly(second);
    }
  });
});

describe('what a claim certificate may do', () => {
  it('publishing outside the Fleet Provisioning topics closes the connection', async () => {
    await withClaim(async (client) => {
      const hungUp = closed(client);
      client.publish('devices/anything/telemetry', 'x', { qos: 1 });
      expect(await hungUp).toBe(true);
    });
  });

  it('subscribing to another template’s topics closes an MQTT 3.1.1 connection (pitfall: dropped after subscribe)', async () => {
    await withClaim(async (client) => {
      const hungUp = closed(client);
      client.subscribe(`${registerTopic('OtherTemplate')}/accepted`, { qos: 1 });
      expect(await hungUp).toBe(true);
    });
  });

  it('an MQTT 5 client gets SUBACK reason 0x87 Not authorized for that filter and stays connected', async () => {
    await withClaim(
      async (client) => {
        // mqtt.js reports a SUBACK failure code as an error carrying the SUBACK packet.
        const failure = await client
          .subscribeAsync([`${registerTopic('OtherTemplate')}/accepted`, `${CREATE_KEYS_TOPIC}/accepted`], {
            qos: 1,
          })
          .then(
            () => undefined,
            (error: { packet?: { granted?: number[] } }) => error,
          );
        expect(failure?.packet?.granted).toEqual([0x87, 1]);
        expect((await ask(client, CREATE_KEYS_TOPIC, '{}', { subscribeFirst: false })).outcome).toBe(
          'accepted',
        );
        expect(client.connected).toBe(true);
      },
      { protocolVersion: 5 },
    );
  });

  it('an expired claim is refused at connection (pitfall: claim works only briefly)', async () => {
    const claim = await sandbox.makeClaim(TEMPLATE, 300);
    sandbox.clock.advance(301_000);
    try {
      const attempt = await connectOutcome(sandbox, claim, { clientId: nextClientId() });
      expect(attempt.outcome).not.toBe('connected');
      expect(sandbox.logs.some((line) => /connection refused: claim certificate .* expired/.test(line))).toBe(
        true,
      );
    } finally {
      sandbox.clock.advance(-301_000);
    }
  });

  it('a claim that expires during its session loses its rights at the next action', async () => {
    await withClaim(async (client) => {
      sandbox.clock.advance(301_000);
      try {
        const hungUp = closed(client);
        client.publish(CREATE_KEYS_TOPIC, '{}', { qos: 1 });
        expect(await hungUp).toBe(true);
      } finally {
        sandbox.clock.advance(-301_000);
      }
    });
  });
});

describe('TLS', () => {
  it('refuses a client certificate from another CA (pitfall: TLS handshake fails)', async () => {
    const { CertificateAuthority } = await import('../../../sandbox/iot/certificate-authority.js');
    const foreign = await CertificateAuthority.create({ clock: { now: () => Date.now() } });
    const device = await foreign.issueDeviceCertificate();
    const attempt = await connectOutcome(
      sandbox,
      { certificatePem: device.certificatePem, privateKeyPem: device.privateKeyPem ?? '' },
      { clientId: nextClientId() },
    );
    expect(attempt.outcome).not.toBe('connected');
    await expect
      .poll(() =>
        sandbox.logs.some((line) =>
          /^connection refused: client certificate .* was not issued by this sandbox's CA/.test(line),
        ),
      )
      .toBe(true);
  });

  it('a device that trusts another root than the broker’s (non-ATS root) refuses the broker', async () => {
    const { CertificateAuthority } = await import('../../../sandbox/iot/certificate-authority.js');
    const otherRoot = await CertificateAuthority.create({ clock: { now: () => Date.now() } });
    const claim = await sandbox.makeClaim();
    const attempt = await connectOutcome(sandbox, claim, {
      clientId: nextClientId(),
      ca: otherRoot.caCertificatePem,
    });
    expect(attempt).toMatchObject({ outcome: 'error', detail: expect.stringMatching(/certificate/i) });
  });

  it('refuses a client without a certificate', async () => {
    const attempt = await connectOutcome(sandbox, {}, { clientId: nextClientId() });
    expect(attempt.outcome).not.toBe('connected');
  });

  it('refuses a CA-signed certificate the registry does not know', async () => {
    const device = await sandbox.ca.issueDeviceCertificate();
    const attempt = await connectOutcome(
      sandbox,
      { certificatePem: device.certificatePem, privateKeyPem: device.privateKeyPem ?? '' },
      { clientId: nextClientId() },
    );
    expect(attempt.outcome).not.toBe('connected');
    expect(
      sandbox.logs.some((line) => /connection refused: certificate .* is not registered/.test(line)),
    ).toBe(true);
  });
});

describe('RegisterThing rejections', () => {
  it('empty token → 400 InvalidCertificateOwnershipToken with AWS’s message', async () => {
    await withClaim(async (client) => {
      for (const payload of [registerPayload(''), JSON.stringify({ parameters: { SerialNumber: '1' } })]) {
        const answer = await ask(client, registerTopic(), payload);
        expect(answer).toEqual({
          outcome: 'rejected',
          body: {
            statusCode: 400,
            errorCode: 'InvalidCertificateOwnershipToken',
            errorMessage: 'Certificate ownership token cannot be empty.',
          },
        });
      }
    });
  });

  it('unknown, reused and expired tokens are refused; an expired token’s certificate is deleted', async () => {
    await withClaim(async (client) => {
      const unknown = await ask(client, registerTopic(), registerPayload('not-a-token'));
      expect(unknown.body).toMatchObject({ statusCode: 400, errorCode: 'InvalidCertificateOwnershipToken' });

      const used = await createKeys(client);
      expect(
        (await ask(client, registerTopic(), registerPayload(used.certificateOwnershipToken, 'reuse')))
          .outcome,
      ).toBe('accepted');
      const again = await ask(
        client,
        registerTopic(),
        registerPayload(used.certificateOwnershipToken, 'reuse'),
      );
      expect(again.body).toMatchObject({
        statusCode: 400,
        errorCode: 'InvalidCertificateOwnershipToken',
        errorMessage: expect.stringContaining('already been used'),
      });

      const stale = await createKeys(client);
      expect(sandbox.registry.getCertificate(stale.certificateId)?.status).toBe('PENDING_ACTIVATION');
      sandbox.clock.advance(60 * 60 * 1000);
      try {
        // The claim connection would now be expired too; a fresh long claim asks.
        const expired = await withClaimFor(7200, (fresh) =>
          ask(fresh, registerTopic(), registerPayload(stale.certificateOwnershipToken)),
        );
        expect(expired.body).toMatchObject({
          statusCode: 400,
          errorCode: 'InvalidCertificateOwnershipToken',
          errorMessage: expect.stringContaining('expired'),
        });
        expect(sandbox.registry.getCertificate(stale.certificateId)).toBeUndefined();
        // The registered one stays.
        expect(sandbox.registry.getCertificate(used.certificateId)?.status).toBe('ACTIVE');
      } finally {
        sandbox.clock.advance(-60 * 60 * 1000);
      }
    });
  });

  it('a disabled template is refused', async () => {
    await withClaim(
      async (client) => {
        const { certificateOwnershipToken } = await createKeys(client);
        const answer = await ask(
          client,
          registerTopic('DisabledTemplate'),
          registerPayload(certificateOwnershipToken),
        );
        expect(answer.body).toEqual({
          statusCode: 400,
          errorCode: 'InvalidRequest',
          errorMessage: 'The provisioning template DisabledTemplate is disabled; enable it to provision.',
        });
      },
      { templateName: 'DisabledTemplate' },
    );
  });

  it('an unresolvable Ref → 400 InvalidParameters "Cannot resolve reference value: AWS::Region"', async () => {
    await withClaim(
      async (client) => {
        const { certificateOwnershipToken, certificateId } = await createKeys(client);
        const answer = await ask(
          client,
          registerTopic('RegionTemplate'),
          registerPayload(certificateOwnershipToken),
        );
        expect(answer.body).toEqual({
          statusCode: 400,
          errorCode: 'InvalidParameters',
          errorMessage: 'Cannot resolve reference value: AWS::Region',
        });
        // Nothing was applied and the token is still good for a corrected attempt.
        expect(sandbox.registry.getCertificate(certificateId)).toMatchObject({
          status: 'PENDING_ACTIVATION',
        });
        expect(sandbox.registry.getCertificate(certificateId)?.registered).not.toBe(true);
      },
      { templateName: 'RegionTemplate' },
    );
  });

  it('a missing device parameter → 400 InvalidParameters naming it', async () => {
    await withClaim(async (client) => {
      const { certificateOwnershipToken } = await createKeys(client);
      const answer = await ask(client, registerTopic(), JSON.stringify({ certificateOwnershipToken }));
      expect(answer.body).toEqual({
        statusCode: 400,
        errorCode: 'InvalidParameters',
        errorMessage: 'Cannot resolve reference value: SerialNumber',
      });
    });
  });

  it('a template without a Thing answers without thingName (pitfall: blank thingName)', async () => {
    await withClaim(
      async (client) => {
        const { certificateOwnershipToken, certificateId } = await createKeys(client);
        const answer = await ask(
          client,
          registerTopic('NoThingTemplate'),
          registerPayload(certificateOwnershipToken),
        );
        expect(answer).toEqual({ outcome: 'accepted', body: { deviceConfiguration: {} } });
        expect(sandbox.registry.getCertificate(certificateId)?.status).toBe('ACTIVE');
      },
      { templateName: 'NoThingTemplate' },
    );
  });

  it('malformed JSON → 400 InvalidPayload', async () => {
    await withClaim(async (client) => {
      const answer = await ask(client, registerTopic(), '{"certificateOwnershipToken": ');
      expect(answer.body).toMatchObject({ statusCode: 400, errorCode: 'InvalidPayload' });
    });
  });
});

describe('pre-provisioning hook', () => {
  let hookServer: Server;
  let hookUrl: string;
  const received: unknown[] = [];
  beforeAll(async () => {
    hookServer = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push(JSON.parse(body));
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({ allowProvisioning: true, parameterOverrides: { SerialNumber: 'from-hook' } }),
        );
      });
    });
    await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await new Promise((resolve) => hookServer.close(resolve));
  });

  const registerWithHook = (hook: PreProvisioningHookTarget) =>
    withClaim(
      async (client) => {
        hooks[HOOK_ARN] = hook;
        const keys = await createKeys(client);
        return {
          keys,
          answer: await ask(
            client,
            registerTopic('HookTemplate'),
            registerPayload(keys.certificateOwnershipToken, 'device-says'),
          ),
        };
      },
      { templateName: 'HookTemplate' },
    );

  it('an HTTP hook on loopback gets AWS’s event and its parameterOverrides win', async () => {
    const { keys, answer } = await registerWithHook(hookUrl);
    expect(answer).toMatchObject({ outcome: 'accepted', body: { thingName: 'bench-from-hook' } });
    expect(received.at(-1)).toMatchObject({
      certificateId: keys.certificateId,
      certificatePem: keys.certificatePem,
      templateArn: `arn:aws:iot:eu-west-1:${ACCOUNT}:provisioningtemplate/HookTemplate`,
      parameters: { SerialNumber: 'device-says' },
      clientId: expect.stringMatching(/^device-/),
      claimCertificateId: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it.each([
    ['denies', () => ({ allowProvisioning: false })],
    ['throws', () => Promise.reject(new Error('lambda crashed'))],
    ['answers nonsense', () => ({ allow: true })],
    ['times out', () => new Promise(() => undefined)],
  ])('a hook that %s → 403 AccessDenied, nothing provisioned', async (_case, hook) => {
    const { keys, answer } = await registerWithHook(hook);
    expect(answer.body).toEqual({
      statusCode: 403,
      errorCode: 'AccessDenied',
      errorMessage: 'The pre-provisioning hook did not allow provisioning.',
    });
    expect(sandbox.registry.getCertificate(keys.certificateId)?.status).toBe('PENDING_ACTIVATION');
  });
});

describe('CBOR', () => {
  it('runs CreateKeysAndCertificate and RegisterThing in CBOR, answered in CBOR', async () => {
    await withClaim(async (client) => {
      const cbor = { decode: (raw: Buffer) => decode(raw) as unknown };
      const created = await ask(client, '$aws/certificates/create/cbor', Buffer.alloc(0), cbor);
      expect(created.outcome).toBe('accepted');
      const token = created.body?.['certificateOwnershipToken'] as string;
      const payload = Buffer.from(
        encode({ certificateOwnershipToken: token, parameters: { SerialNumber: 'cbor1' } }),
      );
      const registered = await ask(client, registerTopic(TEMPLATE, 'cbor'), payload, cbor);
      expect(registered).toEqual({
        outcome: 'accepted',
        body: {
          deviceConfiguration: { FallbackUrl: 'https://example.com/fallback' },
          thingName: 'bench-cbor1',
        },
      });
      const rejected = await ask(
        client,
        registerTopic(TEMPLATE, 'cbor'),
        Buffer.from(encode({ certificateOwnershipToken: '' })),
        cbor,
      );
      expect(rejected.body).toMatchObject({ statusCode: 400, errorCode: 'InvalidCertificateOwnershipToken' });
    });
  });
});

describe('PEM in JSON answers (pitfall: key/cert unusable when \\n escapes are not decoded)', () => {
  it('sends PEM with JSON-escaped newlines that decode to a usable certificate', async () => {
    await withClaim(async (client) => {
      await client.subscribeAsync(`${CREATE_KEYS_TOPIC}/accepted`, { qos: 1 });
      const raw = new Promise<Buffer>((resolve) =>
        client.once('message', (_topic, payload) => resolve(payload)),
      );
      await client.publishAsync(CREATE_KEYS_TOPIC, '', { qos: 1 });
      const text = (await raw).toString();
      expect(text).toContain('-----BEGIN CERTIFICATE-----\\n');
      const { X509Certificate } = await import('node:crypto');
      expect(() => new X509Certificate(JSON.parse(text).certificatePem)).not.toThrow();
    });
  });
});

async function withClaimFor<T>(
  seconds: number,
  run: (client: Awaited<ReturnType<typeof connectMqtt>>) => Promise<T>,
): Promise<T> {
  const claim = await sandbox.makeClaim(TEMPLATE, seconds);
  const client = await connectMqtt(sandbox, claim, { clientId: nextClientId() });
  try {
    return await run(client);
  } finally {
    await endQuietly(client);
  }
}
