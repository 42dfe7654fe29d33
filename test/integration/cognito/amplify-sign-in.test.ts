import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchAuthSession, signIn, signOut } from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT_ID,
  IDENTITY_POOL_ID,
  INSTALLER_ROLE,
  MemoryKeyValueStorage,
  USER_POOL_ID,
  startCognitoSandbox,
  type CognitoSandbox,
} from './cognito-sandbox-fixture.js';

let sandbox: CognitoSandbox;

beforeAll(async () => {
  sandbox = await startCognitoSandbox();
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: USER_POOL_ID,
        userPoolClientId: CLIENT_ID,
        identityPoolId: IDENTITY_POOL_ID,
        userPoolEndpoint: sandbox.server.url,
        identityPoolEndpoint: sandbox.server.url,
        allowGuestAccess: false,
      },
    },
  });
  cognitoUserPoolsTokenProvider.setKeyValueStorage(new MemoryKeyValueStorage());
  sandbox.userPool.createGroup({ groupName: 'installers', precedence: 1, roleArn: INSTALLER_ROLE });
  sandbox.userPool.createUser({
    username: 'ines',
    password: 'Installer#2026',
    attributes: { email: 'ines@example.test' },
  });
  sandbox.userPool.addUserToGroup('ines', 'installers');
});

afterAll(async () => {
  await sandbox.close();
});

afterEach(async () => {
  await signOut();
});

describe('Amplify v6 against the sandbox user pool', () => {
  it('signs in with the default SRP flow and gets Cognito-shaped tokens', async () => {
    const result = await signIn({ username: 'ines', password: 'Installer#2026' });
    expect(result).toEqual({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    const session = await fetchAuthSession();
    const idToken = session.tokens?.idToken?.payload;
    expect(idToken?.['cognito:groups']).toEqual(['installers']);
    expect(idToken?.['cognito:preferred_role']).toBe(INSTALLER_ROLE);
    expect(idToken?.iss).toBe(`https://cognito-idp.eu-west-1.amazonaws.com/${USER_POOL_ID}`);
    expect(session.credentials?.accessKeyId).toMatch(/^ASIA/);
    const issued = sandbox.credentials.lookup(session.credentials?.accessKeyId ?? '');
    expect(issued?.roleArn).toBe(INSTALLER_ROLE);
    expect(session.identityId).toMatch(/^eu-west-1:/);
    const access = decodeJwt(session.tokens?.accessToken.toString() ?? '');
    expect(access.token_use).toBe('access');
  });
});
