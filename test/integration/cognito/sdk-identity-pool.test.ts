import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
} from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sandbox/clock.js';
import { CognitoIdentityPool } from '../../../sandbox/cognito/identity-pool.js';
import { listenOnLoopback, type LoopbackListener } from '../../../sandbox/loopback-listener.js';
import type { RoleMapping } from '../../../sandbox/cognito/role-mapping.js';
import {
  AUTHENTICATED_ROLE,
  CLIENT_ID,
  IDENTITY_POOL_ID,
  INSTALLER_ROLE,
  PROVIDER_NAME,
  REGION,
  installersRuleMapping,
  passwordAuth,
  rejection,
  startCognitoSandbox,
  type CognitoSandbox,
} from './cognito-sandbox-fixture.js';

const LEAD_ROLE = 'arn:aws:iam::123456789012:role/StationLead';
const OTHER_CLIENT = 'anotherappclient00000000001';
const clock = new ManualClock(Date.UTC(2026, 10, 26, 8, 0, 0));
let sandbox: CognitoSandbox;
let idp: CognitoIdentityProviderClient;
let identity: CognitoIdentityClient;
const extraServers: LoopbackListener[] = [];

async function idToken(username: string, clientId = CLIENT_ID): Promise<string> {
  const response = await passwordAuth(idp, username, 'Bench#Password1', clientId);
  return response.AuthenticationResult?.IdToken ?? '';
}

async function credentialsFor(
  client: CognitoIdentityClient,
  poolId: string,
  token: string,
  customRoleArn?: string,
): Promise<{ roleArn: string | undefined; expiration: Date | undefined; identityId: string }> {
  const logins = { [PROVIDER_NAME]: token };
  const { IdentityId } = await client.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins }));
  const response = await client.send(
    new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins, CustomRoleArn: customRoleArn }),
  );
  return {
    roleArn: sandbox.credentials.lookup(response.Credentials?.AccessKeyId ?? '')?.roleArn,
    expiration: response.Credentials?.Expiration,
    identityId: IdentityId ?? '',
  };
}

/** A second identity pool over the same user pool, with another role mapping, on its own port. */
async function identityPoolWith(
  mapping: RoleMapping | undefined,
  authenticatedRoleArn?: string,
): Promise<{ client: CognitoIdentityClient; poolId: string }> {
  const poolId = `${REGION}:0a1b2c3d-${String(extraServers.length).padStart(4, '0')}-4e5f-8a9b-0c1d2e3f4a5b`;
  const pool = new CognitoIdentityPool({
    identityPoolId: poolId,
    providers: [{ userPool: sandbox.userPool, clientIds: [CLIENT_ID] }],
    authenticatedRoleArn,
    roleMappings: mapping ? { [`${PROVIDER_NAME}:${CLIENT_ID}`]: mapping } : {},
    credentialStore: sandbox.credentials,
    clock,
  });
  const server = await listenOnLoopback((req, res) => pool.handle(req, res));
  extraServers.push(server);
  return { client: new CognitoIdentityClient({ region: REGION, endpoint: server.url }), poolId };
}

beforeAll(async () => {
  sandbox = await startCognitoSandbox({
    clock,
    userPool: { clients: [{ clientId: CLIENT_ID }, { clientId: OTHER_CLIENT }] },
  });
  idp = new CognitoIdentityProviderClient({ region: REGION, endpoint: sandbox.server.url });
  identity = new CognitoIdentityClient({ region: REGION, endpoint: sandbox.server.url });
  const pool = sandbox.userPool;
  pool.createGroup({ groupName: 'installers', precedence: 10, roleArn: INSTALLER_ROLE });
  pool.createGroup({ groupName: 'leads', precedence: 1, roleArn: LEAD_ROLE });
  pool.createGroup({ groupName: 'auditors', precedence: 1, roleArn: AUTHENTICATED_ROLE });
  for (const username of ['ivan', 'vera', 'liam', 'amos'])
    pool.createUser({ username, password: 'Bench#Password1' });
  pool.addUserToGroup('ivan', 'installers');
  pool.addUserToGroup('liam', 'installers');
  pool.addUserToGroup('liam', 'leads');
  pool.addUserToGroup('amos', 'leads');
  pool.addUserToGroup('amos', 'auditors');
});

afterAll(async () => {
  expect(sandbox.internalErrors).toEqual([]);
  idp.destroy();
  identity.destroy();
  await Promise.all(extraServers.map((server) => server.close()));
  await sandbox.close();
});

describe('GetId', () => {
  it('gives one stable identity per user and different ones to different users', async () => {
    const first = await credentialsFor(identity, IDENTITY_POOL_ID, await idToken('ivan'));
    const second = await credentialsFor(identity, IDENTITY_POOL_ID, await idToken('ivan'));
    const other = await identity.send(
      new GetIdCommand({
        IdentityPoolId: IDENTITY_POOL_ID,
        Logins: { [PROVIDER_NAME]: await idToken('vera') },
      }),
    );
    expect(first.identityId).toMatch(new RegExp(`^${REGION}:[0-9a-f-]{36}$`));
    expect(second.identityId).toBe(first.identityId);
    expect(other.IdentityId).not.toBe(first.identityId);
  });

  it('names an unknown pool, a wrong Logins key and a missing login', async () => {
    const token = await idToken('ivan');
    expect(
      await rejection(
        identity.send(
          new GetIdCommand({
            IdentityPoolId: `${REGION}:00000000-0000-4000-8000-000000000000`,
            Logins: { [PROVIDER_NAME]: token },
          }),
        ),
      ),
    ).toEqual({
      name: 'ResourceNotFoundException',
      message: `IdentityPool '${REGION}:00000000-0000-4000-8000-000000000000' not found.`,
    });
    expect(
      await rejection(
        identity.send(
          new GetIdCommand({
            IdentityPoolId: IDENTITY_POOL_ID,
            Logins: { [`cognito-idp.${REGION}.amazonaws.com/${REGION}_OtherPool`]: token },
          }),
        ),
      ),
    ).toEqual({
      name: 'NotAuthorizedException',
      message: 'Token is not from a supported provider of this identity pool.',
    });
    expect(await rejection(identity.send(new GetIdCommand({ IdentityPoolId: IDENTITY_POOL_ID })))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Unauthenticated access is not supported for this identity pool.',
    });
  });

  it('refuses forged, foreign-audience and access tokens', async () => {
    const token = await idToken('ivan');
    const [header, payload] = token.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()),
        'cognito:groups': ['x'],
      }),
    ).toString('base64url');
    const forged = `${header}.${forgedPayload}.${token.split('.')[2]}`;
    const getId = (login: string) =>
      identity.send(
        new GetIdCommand({ IdentityPoolId: IDENTITY_POOL_ID, Logins: { [PROVIDER_NAME]: login } }),
      );
    expect(await rejection(getId(forged))).toEqual({
      name: 'NotAuthorizedException',
      message: "Invalid login token. Couldn't verify signed token.",
    });
    expect(await rejection(getId(await idToken('ivan', OTHER_CLIENT)))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Invalid login token. Incorrect token audience.',
    });
    const access = await passwordAuth(idp, 'ivan', 'Bench#Password1');
    expect(await rejection(getId(access.AuthenticationResult?.AccessToken ?? ''))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Invalid login token. Missing a required claim: aud',
    });
    expect((await rejection(getId('not.a.jwt'))).name).toBe('NotAuthorizedException');
  });
});

describe('GetCredentialsForIdentity', () => {
  it('maps an installer to the installer role through the Rules mapping, for one hour', async () => {
    const result = await credentialsFor(identity, IDENTITY_POOL_ID, await idToken('ivan'));
    expect(result.roleArn).toBe(INSTALLER_ROLE);
    expect(result.expiration?.getTime()).toBe(clock.now() + 3600_000);
  });

  it('denies a user no rule matches when ambiguous resolution is Deny', async () => {
    expect(await rejection(credentialsFor(identity, IDENTITY_POOL_ID, await idToken('vera')))).toEqual({
      name: 'NotAuthorizedException',
      message: 'The ambiguous role mapping rules denied this request.',
    });
  });

  it('falls back to the authenticated role when ambiguous resolution says so', async () => {
    const fallback = await identityPoolWith(
      { ...installersRuleMapping, AmbiguousRoleResolution: 'AuthenticatedRole' },
      AUTHENTICATED_ROLE,
    );
    expect((await credentialsFor(fallback.client, fallback.poolId, await idToken('vera'))).roleArn).toBe(
      AUTHENTICATED_ROLE,
    );
    expect((await credentialsFor(fallback.client, fallback.poolId, await idToken('ivan'))).roleArn).toBe(
      INSTALLER_ROLE,
    );
  });

  it('uses cognito:preferred_role with a Token mapping, and CustomRoleArn only from cognito:roles', async () => {
    const tokenPool = await identityPoolWith({ Type: 'Token', AmbiguousRoleResolution: 'Deny' });
    const liam = await idToken('liam');
    expect((await credentialsFor(tokenPool.client, tokenPool.poolId, liam)).roleArn).toBe(LEAD_ROLE);
    expect((await credentialsFor(tokenPool.client, tokenPool.poolId, liam, INSTALLER_ROLE)).roleArn).toBe(
      INSTALLER_ROLE,
    );
    const notOffered = 'arn:aws:iam::123456789012:role/SomethingElse';
    expect((await credentialsFor(tokenPool.client, tokenPool.poolId, liam, notOffered)).roleArn).toBe(
      LEAD_ROLE,
    );
    // amos: two groups share the lowest precedence with different roles, so no preferred role.
    expect(
      await rejection(credentialsFor(tokenPool.client, tokenPool.poolId, await idToken('amos'))),
    ).toEqual({
      name: 'NotAuthorizedException',
      message: 'The ambiguous role mapping rules denied this request.',
    });
    expect(
      (await credentialsFor(tokenPool.client, tokenPool.poolId, await idToken('amos'), LEAD_ROLE)).roleArn,
    ).toBe(LEAD_ROLE);
  });

  it('refuses logins of another user, an unknown identity, and an expired ID token', async () => {
    const ivan = await credentialsFor(identity, IDENTITY_POOL_ID, await idToken('ivan'));
    const veraToken = await idToken('vera');
    expect(
      await rejection(
        identity.send(
          new GetCredentialsForIdentityCommand({
            IdentityId: ivan.identityId,
            Logins: { [PROVIDER_NAME]: veraToken },
          }),
        ),
      ),
    ).toEqual({
      name: 'NotAuthorizedException',
      message:
        "Logins don't match. Please include at least one valid login for this identity or identity pool.",
    });
    const unknownId = `${REGION}:11111111-2222-4333-8444-555555555555`;
    expect(
      await rejection(
        identity.send(
          new GetCredentialsForIdentityCommand({
            IdentityId: unknownId,
            Logins: { [PROVIDER_NAME]: veraToken },
          }),
        ),
      ),
    ).toEqual({ name: 'ResourceNotFoundException', message: `Identity '${unknownId}' not found.` });

    const ivanToken = await idToken('ivan');
    clock.advance(3600_000);
    const expired = await rejection(
      identity.send(
        new GetCredentialsForIdentityCommand({
          IdentityId: ivan.identityId,
          Logins: { [PROVIDER_NAME]: ivanToken },
        }),
      ),
    );
    expect(expired.name).toBe('NotAuthorizedException');
    expect(expired.message).toMatch(/^Invalid login token\. Token expired: \d+ >= \d+$/);
  });

  it('issues credentials the store reports expired after their hour', async () => {
    const logins = { [PROVIDER_NAME]: await idToken('ivan') };
    const { IdentityId } = await identity.send(
      new GetIdCommand({ IdentityPoolId: IDENTITY_POOL_ID, Logins: logins }),
    );
    const response = await identity.send(
      new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }),
    );
    const issued = sandbox.credentials.lookup(response.Credentials?.AccessKeyId ?? '');
    expect(issued && sandbox.credentials.isExpired(issued)).toBe(false);
    clock.advance(3600_000);
    expect(issued && sandbox.credentials.isExpired(issued)).toBe(true);
  });
});
