import {
  CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { confirmSignIn, fetchAuthSession, signIn, signOut, updatePassword } from 'aws-amplify/auth';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKeyValueStorage, configureAmplifyInMemory } from '../../support/amplify-node.js';
import {
  CLIENT_ID,
  INSTALLER_ROLE,
  REGION,
  USER_POOL_ID,
  amplifyCognitoConfig,
  rejection,
  startCognitoSandbox,
  type CognitoSandbox,
} from './cognito-sandbox-fixture.js';

let sandbox: CognitoSandbox;
const storage = new MemoryKeyValueStorage();

beforeAll(async () => {
  sandbox = await startCognitoSandbox();
  configureAmplifyInMemory({ ...amplifyCognitoConfig(sandbox), allowGuestAccess: false }, storage);
  sandbox.userPool.createGroup({ groupName: 'installers', precedence: 1, roleArn: INSTALLER_ROLE });
  sandbox.userPool.createUser({
    username: 'ines',
    password: 'Installer#2026',
    attributes: { email: 'ines@example.test', email_verified: 'true' },
  });
  sandbox.userPool.addUserToGroup('ines', 'installers');
  sandbox.userPool.createUser({ username: 'victor', password: 'Viewer#2026xyz' });
  sandbox.userPool.createUser({ username: 'nadia', temporaryPassword: 'Temporary#111' });
});

afterAll(async () => {
  expect(sandbox.internalErrors).toEqual([]);
  await sandbox.close();
});

afterEach(async () => {
  await signOut();
});

describe('Amplify v6 signIn (default USER_SRP_AUTH) against the sandbox', () => {
  it('signs in with SRP and returns Cognito-shaped ID and access tokens', async () => {
    const result = await signIn({ username: 'ines', password: 'Installer#2026' });
    expect(result).toEqual({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    const { tokens } = await fetchAuthSession();
    const id = tokens?.idToken?.payload;
    expect(id).toMatchObject({
      'cognito:username': 'ines',
      'cognito:groups': ['installers'],
      'cognito:roles': [INSTALLER_ROLE],
      'cognito:preferred_role': INSTALLER_ROLE,
      token_use: 'id',
      aud: CLIENT_ID,
      iss: `https://cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`,
      email: 'ines@example.test',
      email_verified: true,
    });
    expect(Number(id?.exp) - Number(id?.iat)).toBe(3600);
    expect(tokens?.accessToken.payload).toMatchObject({
      token_use: 'access',
      client_id: CLIENT_ID,
      username: 'ines',
      scope: 'aws.cognito.signin.user.admin',
    });
  });

  it('accepts the username in another letter case, as case-insensitive pools do', async () => {
    const result = await signIn({ username: 'INES', password: 'Installer#2026' });
    expect(result.isSignedIn).toBe(true);
  });

  it('refuses a wrong password and an unknown user with the same error', async () => {
    const wrong = await rejection(signIn({ username: 'ines', password: 'Installer#2027' }));
    const unknown = await rejection(signIn({ username: 'nobody', password: 'Installer#2026' }));
    expect(wrong).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    expect(unknown).toEqual(wrong);
  });

  it('gets installer credentials from the identity pool through the installers rule', async () => {
    await signIn({ username: 'ines', password: 'Installer#2026' });
    const session = await fetchAuthSession();
    expect(session.identityId).toMatch(new RegExp(`^${REGION}:[0-9a-f-]{36}$`));
    const issued = sandbox.credentials.lookup(session.credentials?.accessKeyId ?? '');
    expect(issued?.roleArn).toBe(INSTALLER_ROLE);
    expect(issued?.identityId).toBe(session.identityId);
    expect(session.credentials?.secretAccessKey).toBe(issued?.secretAccessKey);
    const lifetimeMs = (session.credentials?.expiration?.getTime() ?? 0) - Date.now();
    expect(lifetimeMs).toBeGreaterThan(3590_000);
    expect(lifetimeMs).toBeLessThanOrEqual(3600_000);
  });

  it('denies credentials to a user outside the installers group (Rules with Deny)', async () => {
    await signIn({ username: 'victor', password: 'Viewer#2026xyz' });
    const denied = await rejection(fetchAuthSession());
    expect(denied).toEqual({
      name: 'NotAuthorizedException',
      message: 'The ambiguous role mapping rules denied this request.',
    });
  });

  it('refreshes the tokens with GetTokensFromRefreshToken on forceRefresh', async () => {
    await signIn({ username: 'ines', password: 'Installer#2026' });
    const before = await fetchAuthSession();
    const after = await fetchAuthSession({ forceRefresh: true });
    expect(after.tokens?.idToken?.payload.jti).not.toBe(before.tokens?.idToken?.payload.jti);
    expect(after.tokens?.accessToken.payload.origin_jti).toBe(before.tokens?.accessToken.payload.origin_jti);
    expect(after.tokens?.idToken?.payload['cognito:groups']).toEqual(['installers']);
  });

  it('changes the password with updatePassword', async () => {
    sandbox.userPool.createUser({ username: 'paula', password: 'Original#2026' });
    // updatePassword reads the whole auth session, credentials included, so paula must get a role.
    sandbox.userPool.addUserToGroup('paula', 'installers');
    await signIn({ username: 'paula', password: 'Original#2026' });
    const weak = await rejection(updatePassword({ oldPassword: 'Original#2026', newPassword: 'short' }));
    expect(weak).toEqual({
      name: 'InvalidPasswordException',
      message: 'Password does not conform to policy: Password not long enough',
    });
    await updatePassword({ oldPassword: 'Original#2026', newPassword: 'Replaced#2026' });
    await signOut();
    expect((await rejection(signIn({ username: 'paula', password: 'Original#2026' }))).name).toBe(
      'NotAuthorizedException',
    );
    expect((await signIn({ username: 'paula', password: 'Replaced#2026' })).isSignedIn).toBe(true);
  });

  it('signs out globally: the old access and refresh tokens are refused afterwards', async () => {
    await signIn({ username: 'ines', password: 'Installer#2026' });
    const { tokens } = await fetchAuthSession();
    const accessToken = tokens?.accessToken.toString() ?? '';
    const refreshKey = [...(await storageKeys())].find((key) => key.endsWith('.refreshToken'));
    const refreshToken = (await storage.getItem(refreshKey ?? '')) ?? '';
    expect(refreshToken).not.toBe('');
    const sdk = new CognitoIdentityProviderClient({ region: REGION, endpoint: sandbox.server.url });
    await sdk.send(new GetUserCommand({ AccessToken: accessToken }));

    await signOut({ global: true });

    const getUser = await rejection(sdk.send(new GetUserCommand({ AccessToken: accessToken })));
    expect(getUser).toEqual({ name: 'NotAuthorizedException', message: 'Access Token has been revoked' });
    const refresh = await rejection(
      sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: refreshToken })),
    );
    expect(refresh).toEqual({ name: 'NotAuthorizedException', message: 'Refresh Token has been revoked' });
    sdk.destroy();
  });
});

describe('Amplify v6 NEW_PASSWORD_REQUIRED', () => {
  it('refuses a wrong temporary password, then completes the new-password challenge', async () => {
    const wrong = await rejection(signIn({ username: 'nadia', password: 'Temporary#112' }));
    expect(wrong).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });

    const first = await signIn({ username: 'nadia', password: 'Temporary#111' });
    expect(first.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED');
    const weak = await rejection(confirmSignIn({ challengeResponse: 'alllowercase1!' }));
    expect(weak).toEqual({
      name: 'InvalidPasswordException',
      message: 'Password does not conform to policy: Password must have uppercase characters',
    });
    const done = await confirmSignIn({ challengeResponse: 'Permanent#2026' });
    expect(done).toEqual({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    expect(sandbox.userPool.describeUser('nadia')?.status).toBe('CONFIRMED');
    await signOut();

    expect((await rejection(signIn({ username: 'nadia', password: 'Temporary#111' }))).name).toBe(
      'NotAuthorizedException',
    );
    expect((await signIn({ username: 'nadia', password: 'Permanent#2026' })).isSignedIn).toBe(true);
  });
});

async function storageKeys(): Promise<string[]> {
  const keys: string[] = [];
  for (const suffix of ['refreshToken']) {
    const prefix = `CognitoIdentityServiceProvider.${CLIENT_ID}`;
    const lastUser = await storage.getItem(`${prefix}.LastAuthUser`);
    if (lastUser) keys.push(`${prefix}.${lastUser}.${suffix}`);
  }
  return keys;
}
