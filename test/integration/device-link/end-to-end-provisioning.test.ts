import { createPublicKey, X509Certificate } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EncodedClaim } from '../../../src/main/core/device-link/claim-blob.js';
import type { DeviceClaim } from '../../../src/main/core/device-link/claim-blob.js';
import type { ProvisioningMode } from '../../../src/main/core/device-link/protocol-constants.js';
import { FleetProvisioningClient } from '../../../sandbox/devices/fleet-provisioning-client.js';
import type { FaultName } from '../../../sandbox/devices/device-faults.js';
import { startSandbox, TEMPLATE } from '../iot-broker/broker-fixture.js';
import type { Sandbox } from '../iot-broker/broker-fixture.js';
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

async function claimFor(serialNumber: string): Promise<DeviceClaim> {
  const claim = await sandbox.makeClaim();
  return {
    certificatePem: claim.certificatePem,
    privateKeyPem: claim.privateKeyPem,
    rootCaPem: sandbox.ca.caCertificatePem,
    endpoint: { host: '127.0.0.1', port: sandbox.port },
    templateName: TEMPLATE,
    templateParameters: { SerialNumber: serialNumber },
    expiresAt: sandbox.clock.now() + 300_000,
  };
}

let devicesStarted = 0;

/** Each device gets its own serial number: AWS allows one CONNECT per second per client id. */
async function mqttRig(faults: FaultName[] = []): Promise<LinkRig> {
  return startRig({
    faults,
    serialNumber: `SIM-E2E-${++devicesStarted}`,
    provisioner: (store) =>
      new FleetProvisioningClient({ persist: (identity) => store.save(identity), stepTimeoutMs: 5000 }),
  });
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
