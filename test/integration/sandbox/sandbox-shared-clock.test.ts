import { CreateProvisioningClaimCommand, DescribeEndpointCommand, IoTClient } from '@aws-sdk/client-iot';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sandbox/clock.js';
import { startSandbox, type RunningSandbox } from '../../../sandbox/orchestrator/start-sandbox.js';
import { connectDevice, parseDataEndpoint } from '../../support/aws-device-sdk-client.js';

/**
 * A memory-only sandbox on an injected clock: the control plane that issues a claim and the broker
 * that checks it read the same time, so moving the clock past the claim's expiry locks it out.
 */

const clock = new ManualClock(Date.now());
let sandbox: RunningSandbox;
let iot: IoTClient;
let lookup: IoTClient;
const logs: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({
    clock,
    claimValiditySeconds: 60,
    region: 'eu-central-1',
    log: (line) => logs.push(line),
  });
  iot = clientAs(sandbox.arns.installerRole);
  // DescribeEndpoint as a deployment's endpoint lookup asks it: installers may not call it.
  lookup = clientAs(sandbox.arns.dataEndpointLookupRole);
});

function clientAs(roleArn: string): IoTClient {
  const credentials = sandbox.credentials.issue({
    roleArn,
    identityId: 'eu-central-1:00000000-0000-4000-8000-000000000001',
    lifetimeSeconds: 3600,
  });
  return new IoTClient({
    region: sandbox.profile.region,
    endpoint: sandbox.profile.iot.controlPlaneEndpoint ?? '',
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
    maxAttempts: 1,
  });
}

afterAll(async () => {
  iot.destroy();
  lookup.destroy();
  await sandbox.stop();
});

describe('startSandbox with an injected clock, in memory', () => {
  it('has no data dir, its region in every id, and DescribeEndpoint names the broker', async () => {
    expect(sandbox.dataPaths).toBeUndefined();
    expect(sandbox.profilePaths).toEqual([]);
    expect(sandbox.profile.cognito.userPoolId).toMatch(/^eu-central-1_/);
    const { endpointAddress } = await lookup.send(
      new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }),
    );
    // A bare host name, as AWS answers; the port is the profile's (the sandbox's own, 8883 on AWS).
    expect(endpointAddress).toBe('127.0.0.1');
    expect(sandbox.profile.iot.dataEndpoint).toBe(`${endpointAddress}:${sandbox.endpoints.mqtt.port}`);
    await expect(iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }))).rejects.toThrow(
      /not authorized to perform: iot:DescribeEndpoint/,
    );
  });

  it("AWS's device SDK connects to DescribeEndpoint's answer as its endpoint, with the profile's port", async () => {
    const { endpointAddress } = await lookup.send(
      new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }),
    );
    const claim = await iot.send(
      new CreateProvisioningClaimCommand({ templateName: sandbox.profile.iot.templateName }),
    );
    const { port } = parseDataEndpoint(sandbox.profile.iot.dataEndpoint, '');
    for (const protocol of ['mqtt5', 'mqtt311'] as const) {
      const device = await connectDevice(
        protocol,
        { host: endpointAddress ?? '', port, caCertificatePem: sandbox.profile.iot.caCertificatePem ?? '' },
        { certificatePem: claim.certificatePem ?? '', privateKeyPem: claim.keyPair?.PrivateKey ?? '' },
        `described-endpoint-${protocol}`,
      );
      await device.close();
    }
  });

  it('expires claims on the shared clock: usable before, refused by the broker after', async () => {
    const claim = await iot.send(
      new CreateProvisioningClaimCommand({ templateName: sandbox.profile.iot.templateName }),
    );
    expect(claim.expiration?.getTime()).toBe(Math.floor((clock.now() + 60_000) / 1000) * 1000);
    const endpoint = parseDataEndpoint(
      sandbox.profile.iot.dataEndpoint,
      sandbox.profile.iot.caCertificatePem ?? '',
    );
    const credentials = {
      certificatePem: claim.certificatePem ?? '',
      privateKeyPem: claim.keyPair?.PrivateKey ?? '',
    };
    const early = await connectDevice('mqtt311', endpoint, credentials, 'claim-early');
    await early.close();

    clock.advance(61_000);
    await expect(connectDevice('mqtt311', endpoint, credentials, 'claim-late')).rejects.toThrow();
    expect(logs.filter((line) => line.startsWith('mqtt: connection refused'))).toEqual([
      expect.stringMatching(/claim certificate [0-9a-f]{12}… expired at/),
    ]);
    // Control-plane requests are logged by operation and role, never with certificates or keys.
    expect(logs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^iot: CreateProvisioningClaim as StationInstaller → 200/),
      ]),
    );
    expect(logs.join('\n')).not.toMatch(/BEGIN|PRIVATE/);
  });

  it('logs Cognito requests by operation and status, never with passwords or tokens', async () => {
    const cognito = new CognitoIdentityProviderClient({
      region: sandbox.profile.region,
      endpoint: sandbox.profile.cognito.userPoolEndpoint ?? '',
    });
    const { username, password } = sandbox.users.installer;
    const answer = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: sandbox.profile.cognito.userPoolClientId,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    );
    cognito.destroy();
    expect(answer.AuthenticationResult?.IdToken).toBeDefined();
    expect(logs).toEqual(expect.arrayContaining([expect.stringMatching(/^cognito: InitiateAuth → 200 \(/)]));
    expect(logs.join('\n')).not.toContain(password);
    expect(logs.join('\n')).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });
});
