import { DescribeThingCommand, IoTClient } from '@aws-sdk/client-iot';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox/orchestrator/start-sandbox.js';
import { OperatorSession, type SessionView } from '../../../src/main/core/session/operator-session.js';
import { SessionError } from '../../../src/main/core/session/session-error.js';
import type { Clock } from '../../../src/main/core/time/clock.js';
import { FakeSecretStorage } from '../../unit/session/fake-secret-storage.js';

/**
 * Hours of a session in a second: the sandbox issues 5-minute tokens, 15-minute credentials and a
 * 1-hour refresh token, and one clock moves for everybody. Amplify compares token expiry against
 * `Date.now()` (plus the drift it measured at issue) and keeps credentials 50 minutes by `Date.now()`
 * whatever their Expiration; the AWS SDK signs with `Date` and refreshes identities by `Date.now()`.
 * So `Date` itself is faked (only `Date`: timers and I/O stay real) and is the sandbox's clock and
 * the session's clock at once.
 */

class SharedClock implements Clock {
  private timers: { at: number; id: number; callback: () => void }[] = [];
  private nextId = 1;

  now(): number {
    return Date.now();
  }

  setTimer(ms: number, callback: () => void): () => void {
    const id = this.nextId++;
    this.timers.push({ at: Date.now() + Math.max(0, ms), id, callback });
    return () => {
      this.timers = this.timers.filter((timer) => timer.id !== id);
    };
  }

  /** Moves `Date` forward, firing due timers at their own time, earliest first; returns how many fired. */
  advance(ms: number): number {
    const target = Date.now() + ms;
    let fired = 0;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer.id !== due.id);
      vi.setSystemTime(Math.max(Date.now(), due.at));
      due.callback();
      fired++;
    }
    vi.setSystemTime(target);
    return fired;
  }
}

vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
const clock = new SharedClock();
let sandbox: RunningSandbox;
let session: OperatorSession;
let dataDirectory: string;
const sandboxLog: string[] = [];
const sessionLog: string[] = [];
const views: SessionView[] = [];
const clients: IoTClient[] = [];

/**
 * Moves time on and lets a renewal the session's timer set off finish before it moves further, as
 * in real time (a renewal takes milliseconds, tokens live minutes). Every renewal ends by telling
 * its listeners, whether it succeeded or not.
 */
async function advance(ms: number): Promise<void> {
  if (clock.advance(ms) > 0) await once(session, 'changed');
}

function count(operation: string): number {
  return sandboxLog.filter((line) => line.startsWith(`cognito: ${operation} → 200`)).length;
}

function iotClient(credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider): IoTClient {
  const client = new IoTClient({
    region: sandbox.profile.region,
    endpoint: sandbox.profile.iot.controlPlaneEndpoint ?? '',
    credentials,
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

/** A registry read the installer role allows; a missing thing proves the call was signed and authorized. */
async function registryRead(client: IoTClient): Promise<string> {
  const error = await client
    .send(new DescribeThingCommand({ thingName: 'not-there' }))
    .catch((e: Error) => e);
  return (error as Error).name;
}

beforeAll(async () => {
  dataDirectory = mkdtempSync(join(tmpdir(), 'silent-renewal-'));
  sandbox = await startSandbox({
    clock,
    ports: { cognito: 0, controlPlane: 0, mqtt: 0 },
    userPool: { tokenLifetimes: { idTokenSeconds: 300, accessTokenSeconds: 300, refreshTokenSeconds: 3600 } },
    credentialLifetimeSeconds: 900,
    log: (line) => sandboxLog.push(line),
  });
  session = new OperatorSession({
    profile: {
      ...sandbox.profile,
      cognito: { ...sandbox.profile.cognito, refreshTokenValiditySeconds: 3600 },
    },
    dataDirectory,
    secretStorage: new FakeSecretStorage(),
    log: (line) => sessionLog.push(line),
    clock,
  });
  session.on('changed', (view) => views.push(view));
});

afterAll(async () => {
  session.dispose();
  for (const client of clients) client.destroy();
  await sandbox.stop();
  vi.useRealTimers();
  rmSync(dataDirectory, { recursive: true, force: true });
});

describe('silent renewal of tokens and credentials', () => {
  const signedInAt = Date.now();
  let firstAccessKeyId = '';
  let firstCredentials: AwsCredentialIdentity;

  it('signs in once and names the end of the refresh token as the time to sign in again', async () => {
    const view = await session.signIn(sandbox.users.installer.username, sandbox.users.installer.password);
    expect(view.status).toBe('signed-in');
    expect(view.reauthenticateBy).toBe(signedInAt + 3_600_000);
    firstCredentials = await session.credentialProvider()();
    firstAccessKeyId = firstCredentials.accessKeyId;
    // Placed early, never late: `iat` has whole seconds, so up to a second is given away.
    const expiration = firstCredentials.expiration?.getTime() ?? 0;
    expect(expiration).toBeLessThanOrEqual(signedInAt + 900_000);
    expect(expiration).toBeGreaterThan(signedInAt + 899_000);
  });

  it('renews ahead of time on its own timer, before the 5-minute tokens expire', async () => {
    const before = count('GetTokensFromRefreshToken');
    const renewed = once(session, 'changed');
    expect(clock.advance(240_000)).toBe(1);
    await renewed;
    expect(count('GetCredentialsForIdentity')).toBe(2);
    expect(count('GetTokensFromRefreshToken')).toBe(before + 1);
    const current = await session.credentialProvider()();
    expect(current.accessKeyId).not.toBe(firstAccessKeyId);
  });

  it('keeps an SDK client working for 25 minutes, past the first tokens and credentials, with no new sign-in', async () => {
    const client = iotClient(session.credentialProvider());
    expect(await registryRead(client)).toBe('ResourceNotFoundException');
    for (let minute = 0; minute < 25; minute++) {
      await advance(60_000);
      expect(await registryRead(client)).toBe('ResourceNotFoundException');
    }
    expect(Date.now() - signedInAt).toBeGreaterThan(900_000 + 5 * 60_000);
    // The first credentials are dead at the sandbox; the client never noticed.
    const stale = iotClient({
      accessKeyId: firstCredentials.accessKeyId,
      secretAccessKey: firstCredentials.secretAccessKey,
      sessionToken: firstCredentials.sessionToken ?? '',
    });
    expect(await registryRead(stale)).toBe('ExpiredTokenException');
    expect(count('InitiateAuth')).toBe(1);
    expect(count('GetTokensFromRefreshToken')).toBeGreaterThanOrEqual(6);
    expect(session.view()).toMatchObject({ status: 'signed-in', remembered: true, notice: null });
  });

  it('renews on demand when a call comes first, as after the computer slept past every expiry', async () => {
    const client = iotClient(session.credentialProvider());
    expect(await registryRead(client)).toBe('ResourceNotFoundException');
    const renewals = count('GetTokensFromRefreshToken');
    // Time passes without the timer firing (a suspended laptop): tokens and credentials are dead.
    vi.setSystemTime(Date.now() + 20 * 60_000);
    expect(await registryRead(client)).toBe('ResourceNotFoundException');
    expect(count('GetTokensFromRefreshToken')).toBe(renewals + 1);
    expect(count('InitiateAuth')).toBe(1);
  });

  it('ends the session when the refresh token expires, and then says to sign in again', async () => {
    const provider = session.credentialProvider();
    while (Date.now() < signedInAt + 3_600_000 + 60_000 && session.view().status === 'signed-in') {
      await advance(120_000);
    }
    await vi.waitFor(() => expect(session.view().status).toBe('signed-out'), { timeout: 5_000 });
    expect(session.view().notice).toMatch(
      /^Your session has ended \(Cognito: NotAuthorizedException: .*\)\. Sign in again\.$/,
    );
    const error = await provider().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionError);
    expect((error as Error).message).toMatch(
      /^No operator is signed in on this station, so AWS cannot be called\. Your session has ended/,
    );
    expect(views.at(-1)?.status).toBe('signed-out');
    expect(sessionLog.join('\n')).not.toMatch(/eyJ[\w-]{10,}/);
  });
});
