import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectDevice,
  createCertificateFromCsr,
  createKeysAndCertificate,
  newCsr,
  registerThing,
  type DeviceConnection,
  type DeviceCredentials,
  type Protocol,
} from '../../support/aws-device-sdk-client.js';
import {
  DEVICE_POLICY,
  TEMPLATE,
  connectMqtt,
  closed,
  endQuietly,
  nextMessage,
  startSandbox,
  type Sandbox,
} from './broker-fixture.js';

/**
 * AWS's own device SDK (aws-iot-device-sdk-v2, aws-crt) provisions against the sandbox broker over
 * MQTT 5 and MQTT 3.1.1, with both the keys flow and the CSR flow, then reconnects with its new
 * certificate. If the broker strays from AWS's wire behaviour, these clients notice.
 */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

/** An SDK connection to the sandbox broker on loopback. */
function connect(
  protocol: Protocol,
  credentials: DeviceCredentials,
  clientId: string,
): Promise<DeviceConnection> {
  const endpoint = { host: '127.0.0.1', port: sandbox.port, caCertificatePem: sandbox.ca.caCertificatePem };
  return connectDevice(protocol, endpoint, credentials, clientId);
}

const protocols = { 'MQTT 5': 'mqtt5', 'MQTT 3.1.1': 'mqtt311' } as const;
const flows = ['keys', 'csr'] as const;

describe.each(Object.entries(protocols))('aws-iot-device-sdk-v2 over %s', (label, protocol) => {
  it.each(flows)('provisions with the %s flow and reconnects with the new certificate', async (flow) => {
    const serial = `${label.replace(/\W/g, '')}${flow}${Date.now() % 100000}`;
    const claim = await sandbox.makeClaim();
    const claimConnection = await connect(protocol, claim, `claim-${serial}`);
    let credentials: DeviceCredentials;
    let ownershipToken: string;
    let certificateId: string;
    const { identity } = claimConnection;
    if (flow === 'keys') {
      const created = await createKeysAndCertificate(identity);
      expect(created.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
      credentials = { certificatePem: created.certificatePem ?? '', privateKeyPem: created.privateKey ?? '' };
      ownershipToken = created.certificateOwnershipToken ?? '';
      certificateId = created.certificateId ?? '';
    } else {
      const { csrPem, privateKeyPem } = await newCsr('bench-device');
      const created = await createCertificateFromCsr(identity, csrPem);
      expect(created).not.toHaveProperty('privateKey');
      credentials = { certificatePem: created.certificatePem ?? '', privateKeyPem };
      ownershipToken = created.certificateOwnershipToken ?? '';
      certificateId = created.certificateId ?? '';
    }
    expect(sandbox.registry.getCertificate(certificateId)?.status).toBe('PENDING_ACTIVATION');
    expect(ownershipToken.length).toBeGreaterThan(0);
    expect(ownershipToken.length).toBeLessThanOrEqual(500);

    const registered = await registerThing(identity, {
      templateName: TEMPLATE,
      certificateOwnershipToken: ownershipToken,
      parameters: { SerialNumber: serial },
    });
    const thingName = `bench-${serial}`;
    expect(registered).toEqual({
      deviceConfiguration: { FallbackUrl: 'https://example.com/fallback' },
      thingName,
    });
    await claimConnection.close();

    // The registry now shows what the station's verification step will look for.
    const certificate = sandbox.registry.getCertificate(certificateId);
    expect(certificate?.status).toBe('ACTIVE');
    expect(sandbox.registry.getThing(thingName)?.attributes).toEqual({ serial });
    expect(sandbox.registry.listThingPrincipals(thingName)).toEqual([certificate?.certificateArn]);
    expect(
      sandbox.registry.listAttachedPolicies(certificate?.certificateArn ?? '').map((p) => p.policyName),
    ).toEqual([DEVICE_POLICY]);

    // The device reconnects with its permanent certificate, client id = thing name, and uses its topic.
    const device = await connect(protocol, credentials, thingName);
    const received: string[] = [];
    const topic = `devices/${thingName}/telemetry`;
    await device.subscribe(topic, (payload) => received.push(payload));
    await device.publish(topic, 'hello from the device');
    await expect.poll(() => received).toEqual(['hello from the device']);
    await device.close();
  });
});

describe('permanent certificate rights (policy variables)', () => {
  it('may publish on its own ${iot:Connection.Thing.ThingName} topic but not on another thing’s', async () => {
    const claim = await sandbox.makeClaim();
    const provisioned: DeviceCredentials[] = [];
    for (const serial of ['own-a', 'own-b']) {
      const connection = await connect('mqtt5', claim, `claim-${serial}`);
      const created = await createKeysAndCertificate(connection.identity);
      await registerThing(connection.identity, {
        templateName: TEMPLATE,
        certificateOwnershipToken: created.certificateOwnershipToken ?? '',
        parameters: { SerialNumber: serial },
      });
      await connection.close();
      provisioned.push({
        certificatePem: created.certificatePem ?? '',
        privateKeyPem: created.privateKey ?? '',
      });
    }
    const [deviceA] = provisioned as [DeviceCredentials, DeviceCredentials];
    const client = await connectMqtt(sandbox, deviceA, { clientId: 'bench-own-a' });
    try {
      await client.subscribeAsync('devices/bench-own-a/#');
      const echo = nextMessage(client, 'devices/bench-own-a/state');
      await client.publishAsync('devices/bench-own-a/state', 'mine', { qos: 1 });
      expect((await echo)?.toString()).toBe('mine');
      const hungUp = closed(client);
      client.publish('devices/bench-own-b/state', 'not mine', { qos: 1 });
      expect(await hungUp).toBe(true);
    } finally {
      await endQuietly(client);
    }
    // Thing policy variables resolve only when the client id is the attached thing's name.
    const wrongId = connectMqtt(sandbox, deviceA, { clientId: 'not-the-thing-name', protocolVersion: 5 });
    await expect(wrongId).rejects.toThrow(/Not authorized/i);
    // The log says why: what device authors get wrong when their policy names the thing.
    const why =
      'CONNECT refused: iot:Connect on arn:aws:iot:eu-west-1:123456789012:client/not-the-thing-name is not allowed ' +
      'for this certificate (no Allow matches); client id not-the-thing-name is not the name of the thing ' +
      'attached to this certificate (bench-own-a), so ${iot:Connection.Thing.*} policy variables do not resolve';
    await expect.poll(() => sandbox.logs.some((line) => line.includes(why))).toBe(true);
  });
});
