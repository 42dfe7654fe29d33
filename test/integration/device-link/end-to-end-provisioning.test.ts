import { createPublicKey, X509Certificate } from 'node:crypto';
import { createServer as createTlsServer } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EncodedClaim } from '../../../src/main/core/device-link/claim-blob.js';
import type { DeviceClaim } from '../../../src/main/core/device-link/claim-blob.js';
import type { ProvisioningMode } from '../../../src/main/core/device-link/protocol-constants.js';
import { FleetProvisioningClient } from '../../../sandbox/devices/fleet-provisioning-client.js';
import type { FaultName } from '../../../sandbox/devices/device-faults.js';
import { ACCOUNT, deviceTemplateBody, REGION, startSandbox, TEMPLATE } from '../iot-broker/broker-fixture.js';
import type { Sandbox } from '../iot-broker/broker-fixture.js';
import type { LinkResult } from '../../../src/main/core/device-link/link-outcome.js';
import { startRig, value } from './link-fixture.js';
import type { LinkRig } from './link-fixture.js';

/**
 * The whole path: claim from the sandbox CA and registry → station link → simulated device on a pty
 * → Fleet Provisioning over MQTT with mutual TLS against the sandbox broker → permanent identity in
 * the device's flash, proven by reconnecting → result back over the serial link.
 */
let sandbox: Sandbox;
let rig: LinkRig | undefined;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});
afterEach(async () => {
  await rig?.dispose();
  rig = undefined;
});

/**
 * A claim for `templateName` (the device provisions with it). `claimTemplate` is the template the
 * sandbox issued the claim for, whose topics alone the claim's policy covers (default: the same).
 */
async function claimFor(
  serialNumber: string,
  options: { from?: Sandbox; templateName?: string; claimTemplate?: string; port?: number } = {},
): Promise<DeviceClaim> {
  const from = options.from ?? sandbox;
  const templateName = options.templateName ?? TEMPLATE;
  const claim = await from.makeClaim(options.claimTemplate ?? templateName);
  return {
    certificatePem: claim.certificatePem,
    privateKeyPem: claim.privateKeyPem,
    rootCaPem: from.ca.caCertificatePem,
    endpoint: { host: '127.0.0.1', port: options.port ?? from.port },
    templateName,
    templateParameters: { SerialNumber: serialNumber },
    expiresAt: from.clock.now() + 300_000,
  };
}

let devicesStarted = 0;

/** Each device gets its own serial number, so no test shares a client id with another. */
async function mqttRig(faults: FaultName[] = [], stepTimeoutMs = 5000): Promise<LinkRig> {
  return startRig({
    faults,
    serialNumber: `SIM-E2E-${++devicesStarted}`,
    provisioner: (store) => new FleetProvisioningClient({ store, stepTimeoutMs }),
  });
}

const arn = (resource: string) => `arn:aws:iot:${REGION}:${ACCOUNT}:${resource}`;

/** A template like the bench one whose policy is `policyName`; `withThing: false` drops the Thing. */
function addTemplate(target: Sandbox, templateName: string, policyName: string, withThing = true): void {
  const { thing, ...others } = deviceTemplateBody.Resources;
  const body = {
    ...deviceTemplateBody,
    Resources: {
      ...(withThing ? { thing } : {}),
      ...others,
      policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: policyName } },
    },
  };
  target.registry.createTemplate({
    templateName,
    templateBody: JSON.stringify(body),
    provisioningRoleArn: `arn:aws:iam::${ACCOUNT}:role/ProvisioningRole`,
    enabled: true,
  });
}

function failureOf<T>(result: LinkResult<T>) {
  if (result.ok) throw new Error('expected a failure, got success');
  return result.failure;
}

describe.each<ProvisioningMode>(['csr', 'keys'])('end-to-end provisioning in %s mode', (mode) => {
  it('provisions through the broker, stores the identity and reports it over the link', async () => {
    rig = await mqttRig();
    const hello = value(await rig.link.hello());
    const claim = await claimFor(hello.serialNumber);
    const encoded = EncodedClaim.encode(claim);
    value(await rig.link.deliverClaim(encoded));
    encoded.wipe();
    const stages: string[] = [];
    rig.link.on('progress', (update) => stages.push(update.stageName));
    const result = value(await rig.link.startProvisioning({ mode }));

    expect(result.thingName).toBe(`bench-${hello.serialNumber}`);
    expect(stages).toEqual(
      expect.arrayContaining(['subscribed', 'registered', 'credentials-stored', 'verified']),
    );
    const thing = sandbox.registry.getThing(result.thingName);
    expect(thing?.attributes).toMatchObject({ serial: hello.serialNumber });
    expect(sandbox.registry.listThingPrincipals(result.thingName)).toContain(
      sandbox.registry.certificateArn(result.certificateId),
    );
    expect(sandbox.registry.getCertificate(result.certificateId)?.status).toBe('ACTIVE');

    const stored = rig.device.store.load();
    expect(stored).toMatchObject({ thingName: result.thingName, certificateId: result.certificateId });
    const certificate = new X509Certificate(stored?.certificatePem ?? '');
    expect(certificate.fingerprint256.replaceAll(':', '').toLowerCase()).toBe(result.fingerprint);
    // The stored key is the certificate's key (CSR mode: made on the device, never sent anywhere).
    const storedPublic = createPublicKey(stored?.privateKeyPem ?? '').export({ format: 'der', type: 'spki' });
    expect(certificate.publicKey.export({ format: 'der', type: 'spki' })).toEqual(storedPublic);
    expect(createPublicKey(stored?.privateKeyPem ?? '').asymmetricKeyType).toBe(
      mode === 'csr' ? 'ec' : 'rsa',
    );

    const after = value(await rig.link.hello());
    expect(after.identity).toEqual({ thingName: result.thingName, certificateId: result.certificateId });
    const secrets = [claim.privateKeyPem, stored?.privateKeyPem ?? ''].flatMap((pem) =>
      pem.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----')),
    );
    for (const text of rig.emitted) for (const secret of secrets) expect(text).not.toContain(secret);
  });
});

describe('end-to-end failures', () => {
  it('reports the rejection AWS sent the device, with its error code', async () => {
    rig = await mqttRig(['reject-provisioning']);
    value(
      await rig.link.deliverClaim(
        EncodedClaim.encode(await claimFor(value(await rig.link.hello()).serialNumber)),
      ),
    );
    const result = await rig.link.startProvisioning({ mode: 'csr' });
    expect(result.ok ? undefined : result.failure).toMatchObject({
      kind: 'provisioning-failed',
      codeName: 'REGISTER_REJECTED',
      failure: { aws: { statusCode: 400, errorCode: 'InvalidCertificateOwnershipToken' } },
    });
    expect(rig.device.store.load()).toBeUndefined();
    expect(value(await rig.link.hello()).heldClaim).toBeUndefined();
  });

  it('reports an expired claim as a connect failure from the device', async () => {
    rig = await mqttRig();
    const claim = await claimFor(value(await rig.link.hello()).serialNumber);
    value(await rig.link.deliverClaim(EncodedClaim.encode(claim)));
    sandbox.clock.advance(301_000);
    try {
      const result = await rig.link.startProvisioning({ mode: 'keys' });
      expect(result.ok ? undefined : result.failure).toMatchObject({
        kind: 'provisioning-failed',
        codeName: 'CONNECT_FAILED',
      });
    } finally {
      sandbox.clock.advance(-301_000);
    }
  });
});

describe('revision 1.2 of the device side, against the sandbox broker', () => {
  it('gives a device without a thing an identity named by its certificate (empty ThingName), proven with its serial number as client id', async () => {
    sandbox.registry.createPolicy('SerialConnectPolicy', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: arn('client/SIM-E2E-*') }],
    });
    addTemplate(sandbox, 'NoThingTemplate', 'SerialConnectPolicy', false);
    rig = await mqttRig();
    const serial = value(await rig.link.hello()).serialNumber;
    value(
      await rig.link.deliverClaim(
        EncodedClaim.encode(await claimFor(serial, { templateName: 'NoThingTemplate' })),
      ),
    );
    const result = value(await rig.link.startProvisioning({ mode: 'csr' }));
    expect(result.thingName).toBe('');
    expect(sandbox.registry.getCertificate(result.certificateId)?.status).toBe('ACTIVE');
    // The proof connection used the serial number (4.2/6.1 step 6), since there is no thing name.
    expect(sandbox.logs.some((line) => line.startsWith(`${serial} connected`))).toBe(true);
    // The station takes the HELLO of an identity without a thing name (revision 1.1 refused it).
    expect(value(await rig.link.hello()).identity).toEqual({
      thingName: '',
      certificateId: result.certificateId,
    });
  });

  it('rolls back to the previous identity when the new certificate cannot connect (VERIFY_FAILED)', async () => {
    sandbox.registry.createPolicy('NoConnectPolicy', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iot:Publish', Resource: arn('topic/nothing') }],
    });
    addTemplate(sandbox, 'NoConnectTemplate', 'NoConnectPolicy');
    rig = await mqttRig();
    const serial = value(await rig.link.hello()).serialNumber;
    value(await rig.link.deliverClaim(EncodedClaim.encode(await claimFor(serial))));
    const first = value(await rig.link.startProvisioning({ mode: 'keys' }));
    const stored = rig.device.store.load();

    value(
      await rig.link.deliverClaim(
        EncodedClaim.encode(await claimFor(serial, { templateName: 'NoConnectTemplate' })),
      ),
    );
    const failure = failureOf(await rig.link.startProvisioning({ mode: 'csr', replaceIdentity: true }));
    expect(failure).toMatchObject({
      kind: 'provisioning-failed',
      codeName: 'VERIFY_FAILED',
      failure: { stage: 10 },
    });
    // Section 3.2: after a FAILURE, HELLO still names the previous identity, and the flash holds it.
    expect(value(await rig.link.hello()).identity).toEqual({
      thingName: first.thingName,
      certificateId: first.certificateId,
    });
    expect(rig.device.store.load()).toEqual(stored);
    // The registry keeps the second certificate on the same Thing (6.1: more than one certificate).
    expect(sandbox.registry.listThingPrincipals(first.thingName)).toHaveLength(2);
  });

  it('reports a connection the broker drops after CONNACK as CONNECTION_LOST, with the stage', async () => {
    addTemplate(sandbox, 'SomeOtherTemplate', 'BenchDevicePolicy');
    rig = await mqttRig();
    const serial = value(await rig.link.hello()).serialNumber;
    // Issued for another template: its policy does not cover this template's topics, and AWS (like
    // the sandbox) drops an MQTT 3.1.1 connection that subscribes where its policy does not allow.
    const claim = await claimFor(serial, { claimTemplate: 'SomeOtherTemplate' });
    value(await rig.link.deliverClaim(EncodedClaim.encode(claim)));
    const failure = failureOf(await rig.link.startProvisioning({ mode: 'keys' }));
    expect(failure).toMatchObject({
      kind: 'provisioning-failed',
      codeName: 'CONNECTION_LOST',
      failure: { stage: 2 },
    });
    expect(rig.device.store.load()).toBeUndefined();
  });

  it('reports a TLS endpoint that never answers CONNECT as CONNACK_TIMEOUT', async () => {
    const certificate = await sandbox.ca.issueServerCertificate({
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
    });
    const silent = createTlsServer({ key: certificate.privateKeyPem, cert: certificate.certificatePem });
    const sockets = new Set<TLSSocket>();
    silent.on('secureConnection', (socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      rig = await mqttRig([], 300);
      const serial = value(await rig.link.hello()).serialNumber;
      const port = (silent.address() as AddressInfo).port;
      value(await rig.link.deliverClaim(EncodedClaim.encode(await claimFor(serial, { port }))));
      const failure = failureOf(await rig.link.startProvisioning({ mode: 'keys' }));
      expect(failure).toMatchObject({
        kind: 'provisioning-failed',
        codeName: 'CONNACK_TIMEOUT',
        failure: { stage: 1 },
      });
      expect(sockets.size).toBe(1); // the TLS connection did stand: only the CONNACK was missing
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('client ids against a broker that takes one CONNECT per client id per 10 s', () => {
  let strict: Sandbox;
  beforeAll(async () => {
    strict = await startSandbox({ rates: { connectsPerSecondPerClientId: 0.1 } });
  });
  afterAll(async () => {
    await strict.stop();
  });

  it('retries right after a fast failure with a new client id, never the same one', async () => {
    rig = await mqttRig(['reject-provisioning']);
    const serial = value(await rig.link.hello()).serialNumber;
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      value(await rig.link.deliverClaim(EncodedClaim.encode(await claimFor(serial, { from: strict }))));
      const failure = failureOf(await rig.link.startProvisioning({ mode: 'keys' }));
      outcomes.push(failure.kind === 'provisioning-failed' ? failure.codeName : failure.kind);
    }
    // A fixed `<serial>-claim` makes the second CONNECT_FAILED: the broker drops the repeated id.
    expect(outcomes).toEqual(['REGISTER_REJECTED', 'REGISTER_REJECTED']);
    const ids = strict.logs
      .map((line) => /^(\S+) connected/.exec(line)?.[1])
      .filter((id): id is string => id?.startsWith(serial) ?? false);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(new RegExp(`^${serial}-[0-9a-f]{8}-1$`));
    expect(ids[1]).toMatch(new RegExp(`^${serial}-[0-9a-f]{8}-2$`));
  });
});
