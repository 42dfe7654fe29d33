import { DescribeThingCommand, IoTClient } from '@aws-sdk/client-iot';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IssuedCredentials } from '../../../sandbox/iam/temporary-credential-store.js';
import { TEMPLATE_NAME } from '../../../sandbox/orchestrator/sandbox-seed.js';
import { JumpingClock } from '../../support/jumping-clock.js';
import { SecretSearch, type Secret } from '../../support/secret-search.js';
import { startStationWorld, type StationWorld } from './station-world.js';

/**
 * A sequential batch through the station core's IPC that outlives the operator's 5-minute tokens
 * and 15-minute IAM credentials. While each device waits for AWS to answer its RegisterThing,
 * 135 s pass (the provisioning step allows 150 s): eight devices take 18 minutes of the station's
 * time. The session's own timer renews tokens and credentials on the way; no device may fail and
 * nobody signs in again.
 *
 * `Date` is faked for the whole process (Amplify, the AWS SDK and the sandbox read it; see
 * test/integration/session/silent-renewal.test.ts) and starts 55 minutes behind the real time:
 * the broker's TLS checks certificate validity against the real clock, so every certificate the
 * sandbox issues must already be valid in real time, and claims live an hour to still be valid.
 */

const BEHIND_MS = 55 * 60_000;
const JUMP_MS = 135_000;
const DEVICES_PER_FLEET = 4;

vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - BEHIND_MS });
const clock = new JumpingClock(-BEHIND_MS);
let world: StationWorld;
const issued: IssuedCredentials[] = [];
/** Why a RegisterThing went by without time passing (another run had a step timer running). */
const skipped: string[] = [];
const clients: IoTClient[] = [];

const count = (operation: string) =>
  world.sandboxLog.filter((line) => line.startsWith(`cognito: ${operation} → 200`)).length;

beforeAll(async () => {
  world = await startStationWorld({
    fleets: [
      { seed: 0x61, count: DEVICES_PER_FLEET, modes: ['csr', 'keys'] },
      { seed: 0x62, count: DEVICES_PER_FLEET, modes: ['keys'] },
    ],
    sandbox: {
      clock,
      claimValiditySeconds: 3600,
      userPool: {
        tokenLifetimes: { idTokenSeconds: 300, accessTokenSeconds: 300, refreshTokenSeconds: 3600 },
      },
      credentialLifetimeSeconds: 900,
    },
    clock,
  });
  const { sandbox, transport } = world;
  const issue = sandbox.credentials.issue.bind(sandbox.credentials);
  sandbox.credentials.issue = (input) => {
    const credentials = issue(input);
    issued.push(credentials);
    return credentials;
  };
  // AWS takes its time answering a device's RegisterThing: the station waits, its clock runs on.
  const provisioning = sandbox.broker.fleetProvisioning;
  const handle = provisioning.handle.bind(provisioning);
  provisioning.handle = async (request, payload, requester) => {
    if (request.api === 'RegisterThing') {
      const { runs } = await transport.call('batch.get');
      const timed = runs.filter((run) => !['queued', 'done', 'failed', 'cancelled'].includes(run.phase));
      if (timed.length === 1 && timed[0]?.phase === 'provisioning') clock.jump(JUMP_MS);
      else skipped.push(timed.map((run) => `${run.serialNumber ?? '?'}: ${run.phase}`).join(', '));
    }
    return handle(request, payload, requester);
  };
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await world?.dispose();
  clock.dispose();
  vi.useRealTimers();
});

describe('tokens and IAM credentials expiring mid-batch', () => {
  it('keeps provisioning past every expiry, renewed silently, with one sign-in and no failed run', async () => {
    const { transport, sandbox } = world;
    const signedInAt = Date.now();
    expect(await transport.call('session.signIn', sandbox.users.installer)).toMatchObject({
      status: 'signed-in',
      mayProvision: true,
    });
    const started = await transport.call('batch.start', {
      label: 'outlives its tokens',
      templateName: TEMPLATE_NAME,
      parameters: {},
      targetCount: null,
      bays: 1,
    });
    const batchId = started.batch?.id ?? '';
    const runs = await world.waitForRuns(
      (current) =>
        current.length === world.devices.length &&
        current.every((run) => ['done', 'failed', 'cancelled'].includes(run.phase)),
      'every device to finish',
      25_000,
    );
    expect(
      runs.map((run) => `${run.serialNumber}: ${run.phase} ${run.failure?.code ?? ''}`.trim()).sort(),
    ).toEqual(world.devices.map((device) => `${device.info.serialNumber}: done`).sort());
    expect(runs.every((run) => run.attempt === 1)).toBe(true);

    // The batch really outlived the first tokens and credentials.
    expect(skipped.length, `RegisterThings without a wait: ${skipped.join(' | ')}`).toBeLessThanOrEqual(1);
    expect(clock.jumpedMs).toBeGreaterThanOrEqual((world.devices.length - 1) * JUMP_MS);
    expect(Date.now() - signedInAt).toBeGreaterThan(900_000 + 60_000);
    const first = issued[0] as IssuedCredentials;
    expect(sandbox.credentials.isExpired(first)).toBe(true);
    const stale = new IoTClient({
      region: sandbox.profile.region,
      endpoint: sandbox.profile.iot.controlPlaneEndpoint ?? '',
      credentials: {
        accessKeyId: first.accessKeyId,
        secretAccessKey: first.secretAccessKey,
        sessionToken: first.sessionToken,
      },
      maxAttempts: 1,
    });
    clients.push(stale);
    const refused = await stale
      .send(new DescribeThingCommand({ thingName: runs[0]?.thingName ?? '' }))
      .catch((error: Error) => error);
    expect((refused as Error).name).toBe('ExpiredTokenException');
    const firstTokens = world.capture
      .secrets()
      .filter((secret) => / token #1$/.test(secret.label) && /^Cognito (ID|access)/.test(secret.label));
    expect(firstTokens).toHaveLength(2);
    for (const token of firstTokens) {
      expect((decodeJwt(token.kind === 'token' ? token.text : '').exp ?? 0) * 1000, token.label).toBeLessThan(
        Date.now(),
      );
    }

    // Renewed on the way, by the session alone: one sign-in, many refreshes, never signed out.
    expect(count('InitiateAuth')).toBe(1);
    expect(count('RespondToAuthChallenge')).toBe(1);
    expect(count('GetTokensFromRefreshToken')).toBeGreaterThanOrEqual(4);
    expect(count('GetCredentialsForIdentity')).toBeGreaterThanOrEqual(5);
    expect(
      world.logs.filter((line) => line.startsWith('session: renewed the session of installer')).length,
    ).toBeGreaterThanOrEqual(4);
    expect(transport.events('session.changed').map((view) => view.status)).not.toContain('signed-out');
    // Still signed in, and told only what it was told at sign-in: no keyring, so not remembered.
    expect(await transport.call('session.get')).toMatchObject({
      status: 'signed-in',
      username: 'installer',
      notice: expect.stringMatching(/no encryption keyring/),
    });

    // Journal and registry agree: every device provisioned once, by this batch.
    const audit = await transport.call('history.audit', { batchId });
    expect(audit.map((row) => row.outcome)).toEqual(world.devices.map(() => 'provisioned'));
    const things = sandbox.registry.listThings({ attributeName: 'batchId', attributeValue: batchId });
    expect(things.map((thing) => thing.thingName).sort()).toEqual(
      world.devices.map((device) => device.info.serialNumber).sort(),
    );
    expect(
      world.logs.filter((line) => /ipc: (dropped|refused to send)|session: renewal failed/.test(line)),
    ).toEqual([]);
  });

  it('and none of the many tokens and credentials of that run leaks', async () => {
    const { transport } = world;
    for (const run of world.runs().values()) await transport.call('runs.detail', run.runId);
    await transport.call('session.signOut');
    const whileOpen = world.haystacks();
    await world.stopCore();
    const secrets: Secret[] = world.secrets();
    expect(
      secrets.filter((secret) => secret.label.startsWith('Cognito access token')).length,
    ).toBeGreaterThanOrEqual(5);
    expect(
      secrets.filter((secret) => secret.label.startsWith('IAM session token')).length,
    ).toBeGreaterThanOrEqual(5);
    const hits = new SecretSearch(secrets).search([...whileOpen, ...world.haystacks()]);
    expect(
      hits.map((hit) => `${hit.secret} as ${hit.encoding} in ${hit.where} at offset ${hit.offset}`),
    ).toEqual([]);
  });
});
