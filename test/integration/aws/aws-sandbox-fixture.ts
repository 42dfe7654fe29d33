import type { IoTClient } from '@aws-sdk/client-iot';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startSandbox,
  type RunningSandbox,
  type StartSandboxOptions,
} from '../../../sandbox/orchestrator/start-sandbox.js';
import {
  AwsCallGovernor,
  type AwsCallGovernorOptions,
} from '../../../src/main/core/aws/aws-call-governor.js';
import {
  createIotClient,
  type AwsCredentialIdentityProvider,
} from '../../../src/main/core/aws/iot-client.js';
import { IotRegistryClient } from '../../../src/main/core/aws/iot-registry-client.js';
import { signInWithPassword } from '../../../sandbox/orchestrator/installer-claim.js';
import { systemClock } from '../../../src/main/core/time/clock.js';
import type { StationProfile } from '../../../src/shared/station-profile-schema.js';
import { parseDataEndpoint, provisionWithClaim } from '../../support/aws-device-sdk-client.js';

/**
 * The real sandbox on loopback (ports 0, a scratch data dir) and the station's AWS layer on top of
 * it, signed in the way the station's session will be: user pool sign-in, then identity-pool
 * credentials for the installer's (or visitor's) role, from the profile's values alone.
 */
export interface AwsSandbox {
  sandbox: RunningSandbox;
  /** A registry client for a seeded user, with its own governor unless one is given. */
  registryFor(
    user: 'installer' | 'visitor',
    options?: { governor?: AwsCallGovernor; profile?: StationProfile },
  ): Promise<{ registry: IotRegistryClient; governor: AwsCallGovernor; client: IoTClient }>;
  /** Claim with the installer's registry client, then provision like a device with AWS's device SDK. */
  provisionDevice(
    registry: IotRegistryClient,
    serialNumber: string,
    extraParameters?: Record<string, string>,
  ): Promise<{ thingName: string; certificateId: string }>;
  close(): Promise<void>;
}

export function newGovernor(options: Partial<AwsCallGovernorOptions> = {}): AwsCallGovernor {
  return new AwsCallGovernor({ clock: systemClock, random: Math.random, ...options });
}

export async function startAwsSandbox(options: StartSandboxOptions = {}): Promise<AwsSandbox> {
  const scratch = mkdtempSync(join(tmpdir(), 'station-aws-'));
  const sandbox = await startSandbox({
    dataDir: join(scratch, 'data'),
    ports: { cognito: 0, controlPlane: 0, mqtt: 0 },
    ...options,
  });
  const clients: IoTClient[] = [];
  return {
    sandbox,
    async registryFor(user, extra = {}) {
      const credentials = await signInCredentials(sandbox.profile, sandbox.users[user]);
      const client = createIotClient(extra.profile ?? sandbox.profile, credentials);
      clients.push(client);
      const governor = extra.governor ?? newGovernor();
      return { registry: new IotRegistryClient(client, governor), governor, client };
    },
    async provisionDevice(registry, serialNumber, extraParameters = {}) {
      const { profile } = sandbox;
      const claim = await registry.createProvisioningClaim(profile.iot.templateName);
      const outcome = await provisionWithClaim({
        protocol: 'mqtt311',
        flow: 'csr',
        endpoint: parseDataEndpoint(profile.iot.dataEndpoint, profile.iot.caCertificatePem ?? ''),
        claim: { certificatePem: claim.certificatePem ?? '', privateKeyPem: claim.keyPair?.PrivateKey ?? '' },
        templateName: profile.iot.templateName,
        parameters: { SerialNumber: serialNumber, ...extraParameters },
        // A fresh client id per attempt: AWS allows one CONNECT per second per client id.
        clientId: `claim-${serialNumber}-${Math.random().toString(36).slice(2, 8)}`,
      });
      return { thingName: outcome.thingName, certificateId: outcome.certificateId };
    },
    async close() {
      for (const client of clients) client.destroy();
      await sandbox.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * USER_PASSWORD_AUTH, then GetId and GetCredentialsForIdentity, as sandbox/orchestrator/installer-claim.ts
 * does; returned as a credential provider, the form the station's session hands the IoT client.
 */
export async function signInCredentials(
  profile: StationProfile,
  user: { username: string; password: string },
): Promise<AwsCredentialIdentityProvider> {
  const { credentials } = await signInWithPassword(profile, user);
  return () => Promise.resolve(credentials);
}
