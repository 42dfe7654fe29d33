import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../sandbox/clock.js';
import { CognitoIdentityPool } from '../../../sandbox/cognito/identity-pool.js';
import { listenOnLoopback } from '../../../sandbox/loopback-listener.js';
import { CognitoUserPool } from '../../../sandbox/cognito/user-pool.js';
import { TemporaryCredentialStore } from '../../../sandbox/iam/temporary-credential-store.js';
import {
  CLIENT_ID,
  IDENTITY_POOL_ID,
  PROVIDER_NAME,
  REGION,
  USER_POOL_ID,
} from './cognito-sandbox-fixture.js';

const directory = mkdtempSync(join(tmpdir(), 'cognito-sandbox-'));
const userPoolPath = join(directory, 'user-pool.json');
const identityPoolPath = join(directory, 'identity-pool.json');
const PASSWORD = 'Persisted#Secret42';

afterAll(() => rmSync(directory, { recursive: true, force: true }));

const openUserPool = () =>
  CognitoUserPool.create({
    userPoolId: USER_POOL_ID,
    clients: [{ clientId: CLIENT_ID }],
    statePath: userPoolPath,
  });
const openIdentityPool = (userPool: CognitoUserPool) =>
  new CognitoIdentityPool({
    identityPoolId: IDENTITY_POOL_ID,
    providers: [{ userPool, clientIds: [CLIENT_ID] }],
    authenticatedRoleArn: 'arn:aws:iam::123456789012:role/SignedIn',
    credentialStore: new TemporaryCredentialStore(systemClock),
    statePath: identityPoolPath,
  });

async function signIn(userPool: CognitoUserPool) {
  const server = await listenOnLoopback((req, res) => userPool.handle(req, res));
  const client = new CognitoIdentityProviderClient({ region: REGION, endpoint: server.url });
  try {
    const response = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: 'petra', PASSWORD },
      }),
    );
    return response.AuthenticationResult ?? {};
  } finally {
    client.destroy();
    await server.close();
  }
}

describe('state files', () => {
  it('keep users, groups, refresh tokens, signing keys and identities across a restart', async () => {
    const first = await openUserPool();
    first.createGroup({
      groupName: 'installers',
      precedence: 1,
      roleArn: 'arn:aws:iam::123456789012:role/Installer',
    });
    first.createUser({ username: 'petra', password: PASSWORD });
    first.addUserToGroup('petra', 'installers');
    const tokens = await signIn(first);
    const firstIdentity = await openIdentityPool(first).invoke('GetId', {
      IdentityPoolId: IDENTITY_POOL_ID,
      Logins: { [PROVIDER_NAME]: tokens.IdToken },
    });

    const text = readFileSync(userPoolPath, 'utf8');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(tokens.RefreshToken ?? 'no refresh token');
    expect(statSync(userPoolPath).mode & 0o777).toBe(0o600);

    const second = await openUserPool();
    expect(second.describeUser('petra')).toMatchObject({ status: 'CONFIRMED', groups: ['installers'] });
    const { payload } = await jwtVerify(tokens.IdToken ?? '', createLocalJWKSet(second.jwks()));
    expect(payload['cognito:username']).toBe('petra');
    const refreshed = await second.invoke('GetTokensFromRefreshToken', {
      ClientId: CLIENT_ID,
      RefreshToken: tokens.RefreshToken,
    });
    expect(refreshed).toHaveProperty('AuthenticationResult.IdToken');
    expect((await signIn(second)).AccessToken).toBeDefined();
    const secondIdentity = await openIdentityPool(second).invoke('GetId', {
      IdentityPoolId: IDENTITY_POOL_ID,
      Logins: { [PROVIDER_NAME]: tokens.IdToken },
    });
    expect(secondIdentity).toEqual(firstIdentity);
  });

  it('refuses a damaged state file with a message naming it', async () => {
    const damaged = join(directory, 'damaged.json');
    writeFileSync(
      damaged,
      JSON.stringify({ version: 1, userPoolId: USER_POOL_ID, users: { x: { username: 5 } } }),
    );
    await expect(
      CognitoUserPool.create({
        userPoolId: USER_POOL_ID,
        clients: [{ clientId: CLIENT_ID }],
        statePath: damaged,
      }),
    ).rejects.toThrow(/damaged\.json does not match the expected shape/);
    writeFileSync(damaged, '{not json');
    await expect(
      CognitoUserPool.create({
        userPoolId: USER_POOL_ID,
        clients: [{ clientId: CLIENT_ID }],
        statePath: damaged,
      }),
    ).rejects.toThrow(/unreadable/);
  });

  it('refuses a state file of another pool', async () => {
    await expect(
      CognitoUserPool.create({
        userPoolId: `${REGION}_Different`,
        clients: [{ clientId: CLIENT_ID }],
        statePath: userPoolPath,
      }),
    ).rejects.toThrow(/belongs to pool/);
  });
});
