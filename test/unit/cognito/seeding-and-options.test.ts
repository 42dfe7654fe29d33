import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../sandbox/clock.js';
import { CognitoIdentityPool } from '../../../sandbox/cognito/identity-pool.js';
import { CognitoUserPool } from '../../../sandbox/cognito/user-pool.js';
import { TemporaryCredentialStore } from '../../../sandbox/iam/temporary-credential-store.js';

const USER_POOL_ID = 'eu-west-1_Seeding1';
const CLIENT = 'seedingclient0000000000001';
const ROLE = 'arn:aws:iam::123456789012:role/Installer';

const pool = await CognitoUserPool.create({ userPoolId: USER_POOL_ID, clients: [{ clientId: CLIENT }] });

describe('user pool seeding', () => {
  it('creates confirmed and force-change users and reports them without secrets', () => {
    const confirmed = pool.createUser({
      username: 'Ana',
      password: 'Seeded#Pass1',
      attributes: { email: 'a@x.test' },
    });
    expect(confirmed).toMatchObject({
      username: 'Ana',
      status: 'CONFIRMED',
      enabled: true,
      softwareTokenMfa: 'none',
    });
    expect(confirmed.sub).toMatch(/^[0-9a-f-]{36}$/);
    const temporary = pool.createUser({ username: 'ben', temporaryPassword: 'Seeded#Temp1' });
    expect(temporary.status).toBe('FORCE_CHANGE_PASSWORD');
    expect(JSON.stringify(pool.describeUser('ana'))).not.toContain('Seeded#Pass1');
  });

  it('refuses duplicates (case-insensitively), ambiguous passwords and weak passwords', () => {
    expect(() => pool.createUser({ username: 'ANA', password: 'Seeded#Pass1' })).toThrow(/already exists/);
    expect(() => pool.createUser({ username: 'cy' })).toThrow(/exactly one of password or temporaryPassword/);
    expect(() =>
      pool.createUser({ username: 'cy', password: 'Seeded#Pass1', temporaryPassword: 'Seeded#Pass1' }),
    ).toThrow(/exactly one/);
    expect(() => pool.createUser({ username: 'cy', password: 'weak' })).toThrow(/Password not long enough/);
    expect(() => pool.createUser({ username: 'has space', password: 'Seeded#Pass1' })).toThrow(/Username/);
    expect(() =>
      pool.createUser({ username: 'cy', password: 'Seeded#Pass1', attributes: { sub: 'not-a-uuid' } }),
    ).toThrow(/sub attribute/);
  });

  it('checks groups, roles and memberships', () => {
    pool.createGroup({ groupName: 'installers', precedence: 3, roleArn: ROLE });
    expect(() => pool.createGroup({ groupName: 'installers' })).toThrow(/already exists/);
    expect(() => pool.createGroup({ groupName: 'x', roleArn: 'arn:aws:iam::123456789012:user/bob' })).toThrow(
      /IAM role ARN/,
    );
    expect(() => pool.createGroup({ groupName: 'y', precedence: -1 })).toThrow(/precedence/);
    expect(() => pool.addUserToGroup('ana', 'nope')).toThrow(/does not exist/);
    expect(() => pool.addUserToGroup('nobody', 'installers')).toThrow(/does not exist/);
    pool.addUserToGroup('ana', 'installers');
    pool.addUserToGroup('ana', 'installers');
    expect(pool.describeUser('ana')?.groups).toEqual(['installers']);
    pool.removeUserFromGroup('ana', 'installers');
    expect(pool.describeUser('ana')?.groups).toEqual([]);
    pool.addUserToGroup('ana', 'leads', { precedence: 1, roleArn: ROLE });
    pool.addUserToGroup('ben', 'leads', { precedence: 1, roleArn: ROLE });
    expect(() => pool.addUserToGroup('ben', 'leads', { precedence: 2, roleArn: ROLE })).toThrow(
      /already exists with/,
    );
    expect(pool.describeUser('ben')?.groups).toEqual(['leads']);
  });

  it('enables TOTP only with a base32 secret', () => {
    expect(() => pool.enableSoftwareTokenMfa('ana', 'short')).toThrow(/base32/);
    pool.enableSoftwareTokenMfa('ana', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(pool.describeUser('ana')?.softwareTokenMfa).toBe('enabled');
  });

  it('sets passwords administratively and disables users', () => {
    pool.setUserPassword('ben', 'Admin#Chosen1', true);
    expect(pool.describeUser('ben')?.status).toBe('CONFIRMED');
    pool.setUserEnabled('ben', false);
    expect(pool.describeUser('ben')?.enabled).toBe(false);
  });
});

describe('user pool options', () => {
  it('names what is wrong', async () => {
    await expect(
      CognitoUserPool.create({ userPoolId: 'eu-west-1-NoUnderscore', clients: [{ clientId: CLIENT }] }),
    ).rejects.toThrow(/must look like/);
    await expect(CognitoUserPool.create({ userPoolId: USER_POOL_ID, clients: [] })).rejects.toThrow(
      /at least one app client/,
    );
    await expect(
      CognitoUserPool.create({
        userPoolId: USER_POOL_ID,
        clients: [{ clientId: CLIENT }, { clientId: CLIENT }],
      }),
    ).rejects.toThrow(/listed twice/);
    await expect(
      CognitoUserPool.create({
        userPoolId: USER_POOL_ID,
        clients: [{ clientId: CLIENT }],
        tokenLifetimes: { idTokenSeconds: 60 },
      }),
    ).rejects.toThrow(/tokenLifetimes\.idTokenSeconds/);
  });

  it('derives issuer and provider name from the pool id', () => {
    expect(pool.issuer).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Seeding1');
    expect(pool.providerName).toBe('cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Seeding1');
  });
});

describe('identity pool options', () => {
  const base = {
    identityPoolId: 'eu-west-1:7d8e9f00-1111-4222-8333-444455556666',
    providers: [{ userPool: pool, clientIds: [CLIENT] }],
    credentialStore: new TemporaryCredentialStore(systemClock),
  };

  it('refuses a mapping key that names no configured provider and client', () => {
    expect(
      () =>
        new CognitoIdentityPool({
          ...base,
          roleMappings: {
            [`${pool.providerName}:otherclient`]: { Type: 'Token', AmbiguousRoleResolution: 'Deny' },
          },
        }),
    ).toThrow(/not "<provider name>:<client id>"/);
  });

  it('refuses credential lifetimes over an hour and malformed pool ids', () => {
    expect(() => new CognitoIdentityPool({ ...base, credentialLifetimeSeconds: 7200 })).toThrow(/900-3600/);
    expect(() => new CognitoIdentityPool({ ...base, identityPoolId: 'eu-west-1_pool' })).toThrow(
      /must look like/,
    );
  });
});
