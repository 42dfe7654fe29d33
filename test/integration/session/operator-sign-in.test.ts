import {
  CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateProvisioningClaimCommand, DescribeThingCommand, IoTClient } from '@aws-sdk/client-iot';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../../sandbox/cognito/totp.js';
import { startSandbox, type RunningSandbox } from '../../../sandbox/orchestrator/start-sandbox.js';
import { OperatorSession, type SessionView } from '../../../src/main/core/session/operator-session.js';
import { SessionError } from '../../../src/main/core/session/session-error.js';
import { FakeSecretStorage } from '../../unit/session/fake-secret-storage.js';

/**
 * OperatorSession against the whole sandbox (ports 0, seeded users), through Amplify v6's default
 * SRP sign-in, with the identity pool's credentials driving @aws-sdk/client-iot.
 */

let sandbox: RunningSandbox;
let session: OperatorSession;
let dataDirectory: string;
const secretStorage = new FakeSecretStorage();
const logs: string[] = [];
const views: SessionView[] = [];
const iotClients: IoTClient[] = [];

function iotClient(): IoTClient {
  const client = new IoTClient({
    region: sandbox.profile.region,
    endpoint: sandbox.profile.iot.controlPlaneEndpoint ?? '',
    credentials: session.credentialProvider(),
    maxAttempts: 1,
  });
  iotClients.push(client);
  return client;
}

async function failure(promise: Promise<unknown>): Promise<SessionError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SessionError);
    return error as SessionError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  dataDirectory = mkdtempSync(join(tmpdir(), 'operator-sign-in-'));
  sandbox = await startSandbox({ ports: { cognito: 0, controlPlane: 0, mqtt: 0 } });
  session = new OperatorSession({
    profile: sandbox.profile,
    dataDirectory,
    secretStorage,
    log: (line) => logs.push(line),
  });
  session.on('changed', (view) => views.push(view));
});

afterAll(async () => {
  session.dispose();
  for (const client of iotClients) client.destroy();
  await sandbox.stop();
  rmSync(dataDirectory, { recursive: true, force: true });
});

describe('OperatorSession sign-in against the sandbox', () => {
  it('signs the installer in with SRP; its credentials create a provisioning claim', async () => {
    const { username, password } = sandbox.users.installer;
    const view = await session.signIn(username, password);
    expect(view).toEqual({
      status: 'signed-in',
      username: 'installer',
      groups: ['installers'],
      mayProvision: true,
      reauthenticateBy: expect.any(Number),
      step: null,
      remembered: true,
      notice: null,
    });
    // Cognito's default refresh token lifetime: 30 days from now.
    expect(Math.abs((view.reauthenticateBy ?? 0) - (Date.now() + 30 * 86_400_000))).toBeLessThan(10_000);
    expect(views.at(-1)).toEqual(view);
    expect(session.operator()).toEqual({
      username: 'installer',
      sub: sandbox.userPool.describeUser('installer')?.sub,
      groups: ['installers'],
    });

    const iot = iotClient();
    const claim = await iot.send(
      new CreateProvisioningClaimCommand({ templateName: sandbox.profile.iot.templateName }),
    );
    expect(claim.certificateId).toMatch(/^[0-9a-f]{64}$/);
    const missing = await iot
      .send(new DescribeThingCommand({ thingName: 'no-such-thing' }))
      .catch((e: Error) => e);
    expect((missing as Error).name).toBe('ResourceNotFoundException');
    const credentials = await session.credentialProvider()();
    expect(sandbox.credentials.lookup(credentials.accessKeyId)?.roleArn).toBe(sandbox.arns.installerRole);
  });

  it('signs out by revoking the refresh token: Cognito refuses it afterwards, credentials stop', async () => {
    const refreshToken = secretStorage.lastRefreshToken();
    const provider = session.credentialProvider();
    const view = await session.signOut();
    expect(view).toMatchObject({ status: 'signed-out', username: null, remembered: false, notice: null });
    expect(session.operator()).toBeUndefined();

    const cognito = new CognitoIdentityProviderClient({
      region: sandbox.profile.region,
      endpoint: sandbox.profile.cognito.userPoolEndpoint ?? '',
    });
    const refused = await cognito
      .send(
        new GetTokensFromRefreshTokenCommand({
          ClientId: sandbox.profile.cognito.userPoolClientId,
          RefreshToken: refreshToken,
        }),
      )
      .catch((error: Error) => error);
    cognito.destroy();
    expect(refused).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Refresh Token has been revoked',
    });
    const gone = await failure(provider());
    expect(gone.message).toMatch(/No operator is signed in on this station/);
  });

  it('signs a visitor in with mayProvision false; its role may not create claims', async () => {
    const { username, password } = sandbox.users.visitor;
    const view = await session.signIn(username, password);
    expect(view).toMatchObject({ status: 'signed-in', username: 'visitor', groups: [], mayProvision: false });
    const denied = await iotClient()
      .send(new CreateProvisioningClaimCommand({ templateName: sandbox.profile.iot.templateName }))
      .catch((error: Error) => error);
    expect((denied as Error).name).toBe('AccessDeniedException');
    await session.signOut();
  });

  it('refuses a wrong password in plain words carrying the Cognito error', async () => {
    const error = await failure(session.signIn('installer', 'Wrong-Passw0rd!'));
    expect(error.awsErrorName).toBe('NotAuthorizedException');
    expect(error.message).toBe(
      'The username or password is wrong. Check both (the password is case-sensitive) and try again. (Cognito: NotAuthorizedException: Incorrect username or password.)',
    );
    expect(session.view().status).toBe('signed-out');
  });

  it('walks newhire through the new-password challenge, refusing a password the policy rejects', async () => {
    const { username, temporaryPassword } = sandbox.users.newhire;
    const challenge = await session.signIn(username, temporaryPassword);
    expect(challenge).toMatchObject({ status: 'challenge', username: 'newhire', step: 'new-password' });
    expect(challenge.totpSetup).toBeUndefined();

    const wrongStep = await failure(session.answerChallenge({ step: 'totp-code', code: '123456' }));
    expect(wrongStep.message).toMatch(/waiting for a new password/);
    const weak = await failure(
      session.answerChallenge({ step: 'new-password', newPassword: 'alllowercase1!' }),
    );
    expect(weak.awsErrorName).toBe('InvalidPasswordException');
    expect(weak.message).toMatch(/^The new password does not meet the password policy/);
    expect(weak.message).toContain('Password must have uppercase characters');
    expect(session.view().step).toBe('new-password');

    const done = await session.answerChallenge({ step: 'new-password', newPassword: 'Newhire-Perman3nt!' });
    expect(done).toMatchObject({ status: 'signed-in', username: 'newhire', mayProvision: false, step: null });
    expect(sandbox.userPool.describeUser('newhire')?.status).toBe('CONFIRMED');
    await session.signOut();
  });

  it('asks mfa-installer for a TOTP code, refuses a wrong one, accepts the right one', async () => {
    const { username, password, totpSecret } = sandbox.users.mfaInstaller;
    const challenge = await session.signIn(username, password);
    expect(challenge).toMatchObject({ status: 'challenge', step: 'totp-code', username });

    const malformed = await failure(session.answerChallenge({ step: 'totp-code', code: '12345' }));
    expect(malformed.message).toBe('Enter the 6-digit code your authenticator app shows now.');
    const code = totpCode(totpSecret, Date.now());
    const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
    const mismatch = await failure(session.answerChallenge({ step: 'totp-code', code: wrong }));
    expect(mismatch.awsErrorName).toBe('CodeMismatchException');
    expect(mismatch.message).toMatch(/^That code is wrong\. Enter the current 6-digit code/);

    const done = await session.answerChallenge({ step: 'totp-code', code });
    expect(done).toMatchObject({ status: 'signed-in', username, mayProvision: true });
    await session.signOut();
  });

  it('never puts a token, password, code or secret in a log line or a view', () => {
    const text = JSON.stringify({ logs, views });
    expect(text).not.toMatch(/eyJ[\w-]{10,}/);
    for (const plaintext of secretStorage.plaintexts) {
      const items = (JSON.parse(plaintext) as { items: Record<string, string> }).items;
      for (const value of Object.values(items)) if (value.length > 20) expect(text).not.toContain(value);
    }
    const { installer, visitor, newhire, mfaInstaller } = sandbox.users;
    for (const secret of [
      installer.password,
      visitor.password,
      newhire.temporaryPassword,
      'Newhire-Perman3nt!',
      mfaInstaller.password,
      mfaInstaller.totpSecret,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(logs).toEqual(expect.arrayContaining([expect.stringMatching(/^session: installer signed in/)]));
  });

  it('says plainly when the sandbox is not running (connection refused)', async () => {
    await sandbox.stop();
    const error = await failure(session.signIn('installer', sandbox.users.installer.password));
    expect(error.awsErrorName).toBe('NetworkError');
    expect(error.message).toMatch(/^Cognito refused the connection: the sign-in service is not running/);
    expect(error.message).toContain('[ECONNREFUSED]');
    expect(session.view().status).toBe('signed-out');
  });
});
