import { CreateProvisioningClaimCommand, IoTClient } from '@aws-sdk/client-iot';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInWithPassword } from '../../../sandbox/orchestrator/installer-claim.js';
import { startSandbox, type RunningSandbox } from '../../../sandbox/orchestrator/start-sandbox.js';
import {
  ClaimManager,
  ClaimTooCloseToExpiryError,
  claimDestinationFor,
  type ClaimSource,
} from '../../../src/main/core/claims/index.js';
import { decodeClaimBlob } from '../../../src/main/core/device-link/claim-blob.js';
import { systemClock } from '../../../src/main/core/time/clock.js';
import type { StationProfile } from '../../../src/shared/station-profile-schema.js';
import { provisionWithClaim } from '../../support/aws-device-sdk-client.js';

/**
 * The claim manager on a real CreateProvisioningClaim: the sandbox's control plane through the
 * official @aws-sdk/client-iot, signed with an installer's identity-pool credentials (obtained as
 * sandbox/orchestrator/installer-claim.ts does). The encoded claim must decode to exactly what the
 * sandbox issued, and a device given it must get through the sandbox broker's Fleet Provisioning
 * (aws-iot-device-sdk-v2, the device SDK AWS publishes).
 */

let root: string;
let sandbox: RunningSandbox;
const clients: { destroy(): void }[] = [];

/** The identity pool's credentials for a password sign-in, as the station's session would hold them. */
async function iotClientAs(profile: StationProfile, username: string, password: string): Promise<IoTClient> {
  const { credentials } = await signInWithPassword(profile, { username, password });
  const iot = new IoTClient({
    region: profile.region,
    endpoint: profile.iot.controlPlaneEndpoint,
    credentials,
    maxAttempts: 1,
  });
  clients.push(iot);
  return iot;
}

/** The SDK call as a ClaimSource; `issued` keeps a copy of each answer's PEMs (the test's, not the station's). */
function sdkClaimSource(iot: IoTClient) {
  const issued: {
    certificateId: string;
    certificatePem: string;
    privateKeyPem: string;
    expiration: number;
  }[] = [];
  const source: ClaimSource = {
    async createProvisioningClaim(templateName, signal) {
      const answer = await iot.send(new CreateProvisioningClaimCommand({ templateName }), {
        abortSignal: signal,
      });
      issued.push({
        certificateId: answer.certificateId ?? '',
        certificatePem: answer.certificatePem ?? '',
        privateKeyPem: answer.keyPair?.PrivateKey ?? '',
        expiration: answer.expiration?.getTime() ?? 0,
      });
      return answer;
    },
  };
  return { source, issued };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'claim-manager-sandbox-'));
  sandbox = await startSandbox({
    dataDir: join(root, 'data'),
    ports: { cognito: 0, controlPlane: 0, mqtt: 0 },
  });
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await sandbox?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('ClaimManager against the sandbox', () => {
  it('encodes exactly the claim the sandbox issued, and a device provisions with it', async () => {
    const { profile } = sandbox;
    const iot = await iotClientAs(
      profile,
      sandbox.users.installer.username,
      sandbox.users.installer.password,
    );
    const { source, issued } = sdkClaimSource(iot);
    const lines: string[] = [];
    const manager = new ClaimManager({
      source,
      clock: systemClock,
      ...claimDestinationFor(profile.iot),
      log: (line) => lines.push(line),
    });
    const serialNumber = `CLM-${Date.now() % 1_000_000}`;
    const parameters = {
      SerialNumber: serialNumber,
      Model: 'thermostat-2',
      BatchId: 'batch-7',
      StationId: 'bench-3',
    };
    const lease = await manager.request({
      runId: 'run-sandbox-1',
      templateName: profile.iot.templateName,
      templateParameters: parameters,
    });

    const [claim] = issued;
    expect(issued).toHaveLength(1);
    expect(lease.certificateId).toBe(claim?.certificateId);
    expect(lease.expiresAt).toBe(claim?.expiration);
    expect(lease.remainingMs()).toBeGreaterThan(290_000);
    expect(lease.remainingMs()).toBeLessThanOrEqual(300_000);
    // The sandbox knows it as its own claim for this template.
    expect(sandbox.registry.getClaim(lease.certificateId)).toEqual({
      certificateId: lease.certificateId,
      templateName: profile.iot.templateName,
      expiration: lease.expiresAt,
    });

    const encoded = lease.forDelivery();
    const decoded = decodeClaimBlob(encoded.bytes);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.claim).toMatchObject({
      certificatePem: claim?.certificatePem,
      privateKeyPem: claim?.privateKeyPem,
      rootCaPem: sandbox.ca.caCertificatePem,
      endpoint: sandbox.endpoints.mqtt,
      templateName: profile.iot.templateName,
      templateParameters: parameters,
      expiresAt: lease.expiresAt,
    });
    expect(decoded.claim.privateKeyPem).toContain('-----BEGIN RSA PRIVATE KEY-----');

    // A device that received these bytes (here AWS's own device SDK) gets through the sandbox
    // broker's Fleet Provisioning with them and nothing else.
    const outcome = await provisionWithClaim({
      protocol: 'mqtt311',
      flow: 'csr',
      endpoint: { ...decoded.claim.endpoint, caCertificatePem: decoded.claim.rootCaPem },
      claim: { certificatePem: decoded.claim.certificatePem, privateKeyPem: decoded.claim.privateKeyPem },
      templateName: decoded.claim.templateName,
      parameters: decoded.claim.templateParameters,
      clientId: `${serialNumber}-claim-1`,
    });
    expect(outcome.thingName).toBe(serialNumber);
    // The template recorded on the Thing the parameters the station put in the claim.
    expect(sandbox.registry.getThing(serialNumber)?.attributes).toEqual({
      serialNumber,
      model: 'thermostat-2',
      batchId: 'batch-7',
      stationId: 'bench-3',
      operator: 'unassigned',
    });

    lease.wipe();
    expect(encoded.bytes.every((byte) => byte === 0)).toBe(true);
    expect(manager.outstanding()).toBe(0);
    const text = lines.join('\n');
    expect(text).toContain(lease.certificateId);
    expect(text).not.toMatch(/-----|PRIVATE/);
    expect(text).not.toContain(claim?.privateKeyPem.split('\n')[1] ?? 'unreachable');
  });

  it('refuses a sandbox claim that cannot meet the minimum validity, and passes AWS errors through', async () => {
    const { profile } = sandbox;
    const installer = await iotClientAs(
      profile,
      sandbox.users.installer.username,
      sandbox.users.installer.password,
    );
    const strict = new ClaimManager({
      source: sdkClaimSource(installer).source,
      clock: systemClock,
      ...claimDestinationFor(profile.iot),
      // More than the 300 s AWS (and the sandbox) give a claim.
      minValidityMs: 301_000,
    });
    const request = {
      runId: 'run-sandbox-2',
      templateName: profile.iot.templateName,
      templateParameters: {},
    };
    await expect(strict.request(request)).rejects.toBeInstanceOf(ClaimTooCloseToExpiryError);
    expect(strict.outstanding()).toBe(0);

    const visitor = await iotClientAs(
      profile,
      sandbox.users.visitor.username,
      sandbox.users.visitor.password,
    );
    const refused = new ClaimManager({
      source: sdkClaimSource(visitor).source,
      clock: systemClock,
      ...claimDestinationFor(profile.iot),
    });
    await expect(refused.request(request)).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(refused.outstanding()).toBe(0);
  });
});
