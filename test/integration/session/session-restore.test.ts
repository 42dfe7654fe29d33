import { DescribeThingCommand, IoTClient } from '@aws-sdk/client-iot';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox/orchestrator/start-sandbox.js';
import { OperatorSession } from '../../../src/main/core/session/operator-session.js';
import { REMEMBERED_SESSION_FILE } from '../../../src/main/core/session/remembered-session-file.js';
import type { SecretStorage } from '../../../src/main/core/session/secret-storage.js';
import type { StationProfile } from '../../../src/shared/station-profile-schema.js';
import { FakeSecretStorage } from '../../unit/session/fake-secret-storage.js';

/**
 * Restore across restarts: the session is saved encrypted with the (fake) keyring, and a new
 * OperatorSession in the same data directory resumes it without a password. A "restart" here is
 * dispose() and a new OperatorSession, which reconfigures Amplify over an empty token storage.
 */

let sandbox: RunningSandbox;
let root: string;
let session: OperatorSession | undefined;
const keyring = new FakeSecretStorage();
const logs: string[] = [];
const clients: IoTClient[] = [];

function start(
  dataDirectory: string,
  secretStorage: SecretStorage | null,
  profile: StationProfile = sandbox.profile,
): OperatorSession {
  session?.dispose();
  session = new OperatorSession({ profile, dataDirectory, secretStorage, log: (line) => logs.push(line) });
  return session;
}

function directory(name: string): string {
  return join(root, name);
}

function sessionFile(dataDirectory: string): string {
  return join(dataDirectory, REMEMBERED_SESSION_FILE);
}

function signInCount(): number {
  return logs.filter((line) => /^session: \S+ signed in/.test(line)).length;
}

async function registryRead(current: OperatorSession): Promise<string> {
  const client = new IoTClient({
    region: sandbox.profile.region,
    endpoint: sandbox.profile.iot.controlPlaneEndpoint ?? '',
    credentials: current.credentialProvider(),
    maxAttempts: 1,
  });
  clients.push(client);
  const error = await client
    .send(new DescribeThingCommand({ thingName: 'not-there' }))
    .catch((e: Error) => e);
  return (error as Error).name;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'session-restore-'));
  sandbox = await startSandbox({ ports: { cognito: 0, controlPlane: 0, mqtt: 0 } });
});

afterEach(() => {
  session?.dispose();
  session = undefined;
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await sandbox.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('session restore with an encrypting keyring', () => {
  const dataDirectory = (): string => directory('restore');

  it('saves the session encrypted, mode 0600, with no refresh token (or any token) readable in the file', async () => {
    const first = start(dataDirectory(), keyring);
    const view = await first.signIn(sandbox.users.installer.username, sandbox.users.installer.password);
    expect(view).toMatchObject({ status: 'signed-in', remembered: true, notice: null });

    const path = sessionFile(dataDirectory());
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dataDirectory())).toEqual([REMEMBERED_SESSION_FILE]);
    const bytes = readFileSync(path);
    const refreshToken = keyring.lastRefreshToken();
    expect(refreshToken.length).toBeGreaterThan(20);
    for (const encoding of ['utf8', 'base64', 'hex', 'latin1'] as const) {
      expect(bytes.toString(encoding)).not.toContain(refreshToken);
      expect(bytes.toString(encoding)).not.toContain('eyJ');
    }
    // It decrypts to what Amplify needs: the refresh token, not the ID token.
    const stored = JSON.parse(keyring.decryptString(bytes)) as {
      username: string;
      items: Record<string, string>;
    };
    expect(stored.username).toBe('installer');
    expect(Object.values(stored.items)).toContain(refreshToken);
    expect(Object.keys(stored.items).some((key) => key.endsWith('.idToken'))).toBe(false);
  });

  it('resumes after a restart without a password: same operator, same deadline, working credentials', async () => {
    const before = start(dataDirectory(), keyring);
    const signedInView = await before.signIn(
      sandbox.users.installer.username,
      sandbox.users.installer.password,
    );
    const sub = before.operator()?.sub;
    const signIns = signInCount();

    const after = start(dataDirectory(), keyring);
    expect(after.view().status).toBe('signed-out');
    const restored = await after.restore();
    expect(restored).toEqual({ ...signedInView, notice: null });
    expect(after.operator()).toEqual({ username: 'installer', sub, groups: ['installers'] });
    expect(await registryRead(after)).toBe('ResourceNotFoundException');
    expect(logs).toContain('session: resumed the saved session of installer');
    expect(signInCount()).toBe(signIns + 1);
  });

  it('sets aside a file this keyring cannot decrypt, and says so; never throws', async () => {
    const other = new FakeSecretStorage(0x33);
    const current = start(dataDirectory(), other);
    const view = await current.restore();
    expect(view.status).toBe('signed-out');
    expect(view.notice).toMatch(
      /^The saved sign-in could not be used \(it cannot be decrypted with this computer’s keyring\) and was moved aside to .*operator-session\.bin\.damaged-\d+\. Sign in again\.$/,
    );
    const names = readdirSync(dataDirectory());
    expect(names).not.toContain(REMEMBERED_SESSION_FILE);
    expect(names.some((name) => name.startsWith(`${REMEMBERED_SESSION_FILE}.damaged-`))).toBe(true);
  });

  it('sets aside a damaged file (not what the station writes)', async () => {
    const dir = directory('damaged');
    mkdirSync(dir);
    start(dir, keyring);
    writeFileSync(join(dir, REMEMBERED_SESSION_FILE), 'not encrypted at all');
    const view = await session!.restore();
    expect(view.status).toBe('signed-out');
    expect(view.notice).toMatch(/could not be used \(it cannot be decrypted/);
    writeFileSync(join(dir, REMEMBERED_SESSION_FILE), keyring.encryptString('{"version":2}'));
    expect((await session!.restore()).notice).toMatch(
      /could not be used \(its content is not what the station writes\)/,
    );
    expect(readdirSync(dir).filter((name) => name.includes('.damaged-'))).toHaveLength(2);
  });

  it('says nothing and stays signed out when there is no saved session', async () => {
    const current = start(directory('empty'), keyring);
    expect(await current.restore()).toMatchObject({ status: 'signed-out', notice: null });
  });

  it('does not resume a session saved for another user pool app client', async () => {
    const dir = directory('other-profile');
    const first = start(dir, keyring);
    await first.signIn(sandbox.users.installer.username, sandbox.users.installer.password);
    const profile = {
      ...sandbox.profile,
      cognito: { ...sandbox.profile.cognito, userPoolClientId: 'someotherclient00001' },
    };
    const view = await start(dir, keyring, profile).restore();
    expect(view).toMatchObject({
      status: 'signed-out',
      notice: 'The saved sign-in was for another station profile. Sign in.',
    });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('sign-out and a revoked saved session', () => {
  it('deletes the file on sign-out; a copy kept from before is refused by Cognito at restore', async () => {
    const dir = directory('revoked');
    const first = start(dir, keyring);
    await first.signIn(sandbox.users.installer.username, sandbox.users.installer.password);
    const copy = readFileSync(sessionFile(dir));
    await first.signOut();
    expect(readdirSync(dir)).toEqual([]);

    writeFileSync(sessionFile(dir), copy, { mode: 0o600 });
    const view = await start(dir, keyring).restore();
    expect(view).toMatchObject({
      status: 'signed-out',
      notice:
        'The saved sign-in of installer has ended (Cognito: NotAuthorizedException: Refresh Token has been revoked). Sign in again.',
    });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('no encryption available: nothing is stored', () => {
  it.each([
    [
      'a keyring that reports no encryption',
      () => Object.assign(new FakeSecretStorage(), { available: false }),
    ],
    ['no secret storage at all', () => null],
  ])('with %s: signs in, remembers nothing, says why', async (_label, storage) => {
    const dir = directory(`no-keyring-${String(storage() === null)}`);
    const current = start(dir, storage());
    const view = await current.signIn(sandbox.users.installer.username, sandbox.users.installer.password);
    expect(view).toMatchObject({
      status: 'signed-in',
      remembered: false,
      notice:
        'This computer has no encryption keyring available, so your session is not remembered: you will sign in again after the station restarts.',
    });
    expect(() => readdirSync(dir)).toThrow(/ENOENT/);
    expect(await registryRead(current)).toBe('ResourceNotFoundException');
    await current.signOut();
  });

  it('leaves a saved file alone when the keyring is not available now', async () => {
    const dir = directory('keyring-later');
    await start(dir, keyring).signIn(sandbox.users.installer.username, sandbox.users.installer.password);
    const locked = Object.assign(new FakeSecretStorage(), { available: false });
    const view = await start(dir, locked).restore();
    expect(view).toMatchObject({ status: 'signed-out' });
    expect(view.notice).toMatch(/encryption keyring is not available now/);
    expect(readdirSync(dir)).toEqual([REMEMBERED_SESSION_FILE]);
    // With the keyring back, it resumes.
    expect((await start(dir, keyring).restore()).status).toBe('signed-in');
  });
});

describe('restore while Cognito is unreachable', () => {
  it('keeps the saved file and says the session could not be resumed now', async () => {
    const dir = directory('offline');
    await start(dir, keyring).signIn(sandbox.users.installer.username, sandbox.users.installer.password);
    await sandbox.stop();
    const view = await start(dir, keyring).restore();
    expect(view.status).toBe('signed-out');
    expect(view.notice).toMatch(
      /^The saved sign-in of installer could not be resumed now: Cognito refused the connection: .*\[ECONNREFUSED\]\)$/,
    );
    expect(readdirSync(dir)).toEqual([REMEMBERED_SESSION_FILE]);
    expect(logs.join('\n')).not.toMatch(/eyJ[\w-]{10,}/);
    expect(logs.join('\n')).not.toContain(keyring.lastRefreshToken());
  });
});
