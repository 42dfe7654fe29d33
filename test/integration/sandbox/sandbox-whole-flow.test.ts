import {
  CreateProvisioningClaimCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  IoTClient,
  ListThingPrincipalsCommand,
} from '@aws-sdk/client-iot';
import { confirmSignIn, fetchAuthSession, signIn, signOut } from 'aws-amplify/auth';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../../sandbox/cognito/totp.js';
import { requestClaimAsInstaller, writeClaimFiles } from '../../../sandbox/orchestrator/installer-claim.js';
import { resetDataDir } from '../../../sandbox/orchestrator/sandbox-data-dir.js';
import { startSandbox, type RunningSandbox } from '../../../sandbox/orchestrator/start-sandbox.js';
import {
  parseStationProfile,
  stationProfileSchema,
  type StationProfile,
} from '../../../src/shared/station-profile-schema.js';
import { MemoryKeyValueStorage, configureAmplifyInMemory } from '../../support/amplify-node.js';
import {
  connectDevice,
  parseDataEndpoint,
  provisionWithClaim,
  type Flow,
  type Protocol,
} from '../../support/aws-device-sdk-client.js';

/**
 * The whole trusted-user flow against `startSandbox`, with only official clients on the client side
 * and only the station profile's values for configuration: Amplify v6 signs an installer in (SRP),
 * its identity-pool credentials drive @aws-sdk/client-iot (CreateProvisioningClaim, registry reads),
 * and aws-iot-device-sdk-v2 provisions a device with the claim and reconnects with its new identity.
 */

let dataDir: string;
let sandbox: RunningSandbox;
const storage = new MemoryKeyValueStorage();
const clients: IoTClient[] = [];

function configureAmplify(profile: StationProfile): void {
  configureAmplifyInMemory(
    {
      userPoolId: profile.cognito.userPoolId,
      userPoolClientId: profile.cognito.userPoolClientId,
      identityPoolId: profile.cognito.identityPoolId,
      ...(profile.cognito.userPoolEndpoint ? { userPoolEndpoint: profile.cognito.userPoolEndpoint } : {}),
      ...(profile.cognito.identityPoolEndpoint
        ? { identityPoolEndpoint: profile.cognito.identityPoolEndpoint }
        : {}),
      allowGuestAccess: false,
    },
    storage,
  );
}

/** Signs in through Amplify and returns an IoT client on the identity pool's credentials. */
async function iotClientFor(username: string, password: string): Promise<IoTClient> {
  await signOut();
  const result = await signIn({ username, password });
  expect(result.nextStep.signInStep).toBe('DONE');
  return iotClientFromSession(sandbox.profile);
}

async function iotClientFromSession(profile: StationProfile): Promise<IoTClient> {
  const { credentials } = await fetchAuthSession();
  if (!credentials) throw new Error('fetchAuthSession returned no credentials');
  const client = new IoTClient({
    region: profile.region,
    ...(profile.iot.controlPlaneEndpoint ? { endpoint: profile.iot.controlPlaneEndpoint } : {}),
    credentials,
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'sandbox-whole-flow-')), 'data');
  sandbox = await startSandbox({ dataDir, ports: { cognito: 0, controlPlane: 0, mqtt: 0 } });
  configureAmplify(sandbox.profile);
});

afterAll(async () => {
  await signOut().catch(() => undefined);
  for (const client of clients) client.destroy();
  await sandbox.stop();
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

describe('station profile', () => {
  it('validates against the exported schema, is the file on disk, and holds no secret', () => {
    const { profile } = sandbox;
    expect(stationProfileSchema.safeParse(profile).success).toBe(true);
    const onDisk: unknown = JSON.parse(readFileSync(join(dataDir, 'station-profile.json'), 'utf8'));
    expect(parseStationProfile(onDisk)).toEqual({ ok: true, profile });
    expect(profile).toMatchObject({
      kind: 'sandbox',
      region: 'eu-west-1',
      iot: {
        templateName: 'TrustedUserProvisioningTemplate',
        dataEndpoint: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      },
      cognito: { userPoolEndpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) },
    });
    expect(profile.iot.caCertificatePem).toBe(sandbox.ca.caCertificatePem);
    const text = JSON.stringify(onDisk);
    expect(text).not.toMatch(/PRIVATE KEY|password|secret|token/i);
    const { installer, visitor, newhire, mfaInstaller } = sandbox.users;
    for (const secret of [
      installer.password,
      visitor.password,
      newhire.temporaryPassword,
      mfaInstaller.password,
      mfaInstaller.totpSecret,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('installer provisions devices with AWS device SDK', () => {
  let iotClient: IoTClient;
  beforeAll(async () => {
    iotClient = await iotClientFor(sandbox.users.installer.username, sandbox.users.installer.password);
  });

  const cases: [Flow, Protocol, Record<string, string>][] = [
    [
      'keys',
      'mqtt5',
      { Model: 'thermostat-2', BatchId: 'B-2026-001', StationId: 'bench-3', Operator: 'installer' },
    ],
    ['csr', 'mqtt311', {}],
  ];
  it.each(cases)('%s flow over %s, reconnect, registry shows it', async (flow, protocol, extra) => {
    const { profile } = sandbox;
    const serialNumber = `SBX-${flow}-${protocol}-${Date.now() % 1_000_000}`;
    const claim = await iotClient.send(
      new CreateProvisioningClaimCommand({ templateName: profile.iot.templateName }),
    );
    expect(claim.certificateId).toMatch(/^[0-9a-f]{64}$/);
    expect((claim.expiration?.getTime() ?? 0) - Date.now()).toBeLessThanOrEqual(300_000);

    const endpoint = parseDataEndpoint(profile.iot.dataEndpoint, profile.iot.caCertificatePem ?? '');
    const outcome = await provisionWithClaim({
      protocol,
      flow,
      endpoint,
      claim: { certificatePem: claim.certificatePem ?? '', privateKeyPem: claim.keyPair?.PrivateKey ?? '' },
      templateName: profile.iot.templateName,
      parameters: { SerialNumber: serialNumber, ...extra },
      clientId: `claim-${serialNumber}`,
    });
    expect(outcome.thingName).toBe(serialNumber);

    // The device comes back as itself (client id = thing name, as the device policy requires).
    const device = await connectDevice(protocol, endpoint, outcome.credentials, outcome.thingName);
    const received: string[] = [];
    const topic = `devices/${outcome.thingName}/telemetry`;
    await device.subscribe(topic, (payload) => received.push(payload));
    await device.publish(topic, '{"boot":1}');
    await expect.poll(() => received).toEqual(['{"boot":1}']);
    await device.close();

    // What the station's verify step reads, through the installer's own credentials.
    const thing = await iotClient.send(new DescribeThingCommand({ thingName: serialNumber }));
    expect(thing.attributes).toEqual({
      serialNumber,
      model: extra['Model'] ?? 'generic',
      batchId: extra['BatchId'] ?? 'unassigned',
      stationId: extra['StationId'] ?? 'unassigned',
      operator: extra['Operator'] ?? 'unassigned',
    });
    const { principals } = await iotClient.send(new ListThingPrincipalsCommand({ thingName: serialNumber }));
    const { certificateDescription } = await iotClient.send(
      new DescribeCertificateCommand({ certificateId: outcome.certificateId }),
    );
    expect(certificateDescription?.status).toBe('ACTIVE');
    expect(principals).toEqual([certificateDescription?.certificateArn]);
  });
});

describe('the other seeded users', () => {
  it('denies visitor CreateProvisioningClaim with AccessDeniedException', async () => {
    const client = await iotClientFor(sandbox.users.visitor.username, sandbox.users.visitor.password);
    const error = await client
      .send(new CreateProvisioningClaimCommand({ templateName: sandbox.profile.iot.templateName }))
      .then(
        () => undefined,
        (caught: unknown) => caught as Error & { $metadata?: { httpStatusCode?: number } },
      );
    expect(error?.name).toBe('AccessDeniedException');
    expect(error?.$metadata?.httpStatusCode).toBe(403);
    expect(error?.message).toContain('StationSignedIn');
  });

  it('asks newhire for a new password and mfa-installer for a TOTP code, then lets mfa-installer claim', async () => {
    await signOut();
    const { newhire, mfaInstaller } = sandbox.users;
    const hire = await signIn({ username: newhire.username, password: newhire.temporaryPassword });
    expect(hire.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED');

    const first = await signIn({ username: mfaInstaller.username, password: mfaInstaller.password });
    expect(first.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_TOTP_CODE');
    const done = await confirmSignIn({ challengeResponse: totpCode(mfaInstaller.totpSecret, Date.now()) });
    expect(done.nextStep.signInStep).toBe('DONE');
    const client = await iotClientFromSession(sandbox.profile);
    const claim = await client.send(
      new CreateProvisioningClaimCommand({ templateName: sandbox.profile.iot.templateName }),
    );
    expect(claim.certificatePem).toContain('BEGIN CERTIFICATE');
  });
});

describe('claim for firmware authors (sandbox-cli claim)', () => {
  it('signs in with the SDK clients from the profile alone and writes certificate, private key and CA', async () => {
    const { profile, users } = sandbox;
    const claim = await requestClaimAsInstaller({ profile, ...users.installer });
    expect(sandbox.registry.getClaim(claim.certificateId)?.templateName).toBe(profile.iot.templateName);
    const out = join(dataDir, '..', 'claim');
    const files = writeClaimFiles(claim, profile, out);
    expect(readFileSync(files.certificate, 'utf8')).toBe(claim.certificatePem);
    expect(statSync(files.privateKey).mode & 0o777).toBe(0o600);
    expect(readFileSync(files.caCertificate ?? '', 'utf8')).toBe(profile.iot.caCertificatePem);
    await expect(requestClaimAsInstaller({ profile, ...users.visitor })).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});

describe('persistence', () => {
  it('keeps the provisioned things, users, CA and seed over a restart; reset wipes them', async () => {
    const things = sandbox.registry.listThings().map((thing) => thing.thingName);
    expect(things).toHaveLength(2);
    const caPem = sandbox.ca.caCertificatePem;
    const signingKeys = sandbox.userPool.jwks();
    await sandbox.stop();

    sandbox = await startSandbox({ dataDir });
    expect(sandbox.seeded).toEqual([]);
    expect(sandbox.ca.caCertificatePem).toBe(caPem);
    expect(sandbox.userPool.jwks()).toEqual(signingKeys);
    expect(sandbox.registry.listThings().map((thing) => thing.thingName)).toEqual(things);
    expect(sandbox.userPool.describeUser('installer')?.groups).toEqual(['installers']);
    // The restarted sandbox still serves the whole flow to a client configured from its new profile.
    configureAmplify(sandbox.profile);
    const client = await iotClientFor(sandbox.users.installer.username, sandbox.users.installer.password);
    const thing = await client.send(new DescribeThingCommand({ thingName: things[0] }));
    expect(thing.thingName).toBe(things[0]);

    expect(() => resetDataDir(dataDir)).toThrow(/in use by a running sandbox/);
    await sandbox.stop();
    expect(resetDataDir(dataDir).removed).toBe(true);

    sandbox = await startSandbox({ dataDir });
    expect(sandbox.registry.listThings()).toEqual([]);
    expect(sandbox.ca.caCertificatePem).not.toBe(caPem);
    expect(sandbox.userPool.jwks()).not.toEqual(signingKeys);
    expect(sandbox.seeded).toContain('template TrustedUserProvisioningTemplate');
  });
});
