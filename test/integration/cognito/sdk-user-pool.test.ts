import {
  AssociateSoftwareTokenCommand,
  ChangePasswordCommand,
  CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sandbox/clock.js';
import { totpCode } from '../../../sandbox/cognito/totp.js';
import {
  CLIENT_ID,
  INSTALLER_ROLE,
  REGION,
  USER_POOL_ID,
  passwordAuth,
  rejection,
  startCognitoSandbox,
  type CognitoSandbox,
} from './cognito-sandbox-fixture.js';

const PASSWORD_ONLY_CLIENT = 'passwordonlyclient000000001';
const SRP_ONLY_CLIENT = 'srponlyclient00000000000001';
const clock = new ManualClock(Date.UTC(2026, 10, 26, 8, 0, 0));
let sandbox: CognitoSandbox;
let sdk: CognitoIdentityProviderClient;

async function passwordSignIn(
  username: string,
  password: string,
  clientId = CLIENT_ID,
): Promise<AuthenticationResultType> {
  const response = await passwordAuth(sdk, username, password, clientId);
  if (!response.AuthenticationResult)
    throw new Error(`expected tokens, got ${response.ChallengeName ?? '?'}`);
  return response.AuthenticationResult;
}

const INCORRECT = { name: 'NotAuthorizedException', message: 'Incorrect username or password.' };

beforeAll(async () => {
  sandbox = await startCognitoSandbox({
    clock,
    userPool: {
      clients: [
        { clientId: CLIENT_ID },
        { clientId: PASSWORD_ONLY_CLIENT, authFlows: ['USER_PASSWORD_AUTH'] },
        { clientId: SRP_ONLY_CLIENT, authFlows: ['USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH'] },
      ],
    },
  });
  sdk = new CognitoIdentityProviderClient({ region: REGION, endpoint: sandbox.server.url });
  const pool = sandbox.userPool;
  pool.createGroup({ groupName: 'installers', precedence: 5, roleArn: INSTALLER_ROLE });
  pool.createGroup({
    groupName: 'leads',
    precedence: 5,
    roleArn: 'arn:aws:iam::123456789012:role/StationLead',
  });
  pool.createGroup({ groupName: 'auditors' });
  for (const username of ['olga', 'lars', 'rita', 'cara', 'gus', 'tess', 'dora']) {
    pool.createUser({
      username,
      password: 'Bench#Password1',
      attributes: { email: `${username}@example.test` },
    });
  }
  pool.addUserToGroup('olga', 'installers');
  pool.addUserToGroup('olga', 'auditors');
  pool.addUserToGroup('lars', 'installers');
  pool.addUserToGroup('lars', 'leads');
  pool.createUser({ username: 'temp', temporaryPassword: 'Temporary#2026' });
});

afterAll(async () => {
  expect(sandbox.internalErrors).toEqual([]);
  sdk.destroy();
  await sandbox.close();
});

describe('USER_PASSWORD_AUTH with the AWS SDK', () => {
  it('returns tokens that verify against the served JWKS', async () => {
    const tokens = await passwordSignIn('olga', 'Bench#Password1');
    expect(tokens).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600 });
    const jwks = createRemoteJWKSet(new URL(`${sandbox.server.url}/${USER_POOL_ID}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(tokens.IdToken ?? '', jwks, {
      issuer: `https://cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`,
      audience: CLIENT_ID,
      currentDate: new Date(clock.now()),
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      'cognito:groups': ['installers', 'auditors'],
      'cognito:roles': [INSTALLER_ROLE],
      'cognito:preferred_role': INSTALLER_ROLE,
      auth_time: clock.now() / 1000,
      iat: clock.now() / 1000,
      exp: clock.now() / 1000 + 3600,
    });
  });

  it('leaves cognito:preferred_role unset when the lowest precedence is shared by different roles', async () => {
    const tokens = await passwordSignIn('lars', 'Bench#Password1');
    const claims = JSON.parse(
      Buffer.from((tokens.IdToken ?? '').split('.')[1] ?? '', 'base64url').toString(),
    );
    expect(claims['cognito:roles']).toHaveLength(2);
    expect(claims['cognito:preferred_role']).toBeUndefined();
  });

  it('answers a wrong password and an unknown user identically', async () => {
    expect(await rejection(passwordSignIn('olga', 'Bench#Password2'))).toEqual(INCORRECT);
    expect(await rejection(passwordSignIn('ghost', 'Bench#Password1'))).toEqual(INCORRECT);
  });

  it('names a wrong client id with ResourceNotFoundException', async () => {
    expect(await rejection(passwordSignIn('olga', 'Bench#Password1', 'noSuchClient'))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'User pool client noSuchClient does not exist.',
    });
  });

  it('refuses a flow the app client does not allow', async () => {
    expect(await rejection(passwordSignIn('olga', 'Bench#Password1', SRP_ONLY_CLIENT))).toEqual({
      name: 'InvalidParameterException',
      message: 'USER_PASSWORD_AUTH flow not enabled for this client',
    });
  });

  it('reports missing parameters as InvalidParameterException', async () => {
    const missing = await rejection(
      sdk.send(
        new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT_ID, AuthParameters: {} }),
      ),
    );
    expect(missing).toEqual({
      name: 'InvalidParameterException',
      message: 'Missing required parameter USERNAME',
    });
  });

  it('asks a user with a temporary password for a new one and checks the session', async () => {
    const started = await passwordAuth(sdk, 'temp', 'Temporary#2026');
    expect(started.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    const respond = (session: string | undefined, username = 'temp') =>
      sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: CLIENT_ID,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: session,
          ChallengeResponses: { USERNAME: username, NEW_PASSWORD: 'Chosen#Password1' },
        }),
      );
    expect(await rejection(respond(`${started.Session ?? ''}tampered`))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user.',
    });
    expect((await rejection(respond(started.Session, 'olga'))).name).toBe('NotAuthorizedException');
    clock.advance(181_000);
    expect(await rejection(respond(started.Session))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user, session is expired.',
    });
  });

  it('stops accepting a temporary password after its validity', async () => {
    clock.advance(8 * 24 * 3600 * 1000);
    expect(await rejection(passwordSignIn('temp', 'Temporary#2026'))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Temporary password has expired and must be reset by an administrator.',
    });
  });

  it('locks a user out after repeated failures, then lets them in after the wait', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect(await rejection(passwordSignIn('dora', 'Wrong#Password1'))).toEqual(INCORRECT);
    }
    expect(await rejection(passwordSignIn('dora', 'Bench#Password1'))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Password attempts exceeded',
    });
    clock.advance(1_000);
    expect((await passwordSignIn('dora', 'Bench#Password1')).AccessToken).toBeDefined();
  });
});

describe('access and refresh tokens over time', () => {
  it('refuses an access token once it has expired, and refresh gives a new one', async () => {
    const tokens = await passwordSignIn('rita', 'Bench#Password1');
    const user = await sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken }));
    expect(user.Username).toBe('rita');
    expect(user.UserAttributes).toContainEqual({ Name: 'email', Value: 'rita@example.test' });

    clock.advance(3600_000);
    expect(await rejection(sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken })))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Access Token has expired',
    });
    const refreshed = await sdk.send(
      new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: tokens.RefreshToken }),
    );
    expect(refreshed.AuthenticationResult?.RefreshToken).toBeUndefined();
    const again = await sdk.send(
      new GetUserCommand({ AccessToken: refreshed.AuthenticationResult?.AccessToken }),
    );
    expect(again.Username).toBe('rita');

    const viaInitiateAuth = await sdk.send(
      new InitiateAuthCommand({
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken ?? '' },
      }),
    );
    expect(viaInitiateAuth.AuthenticationResult?.IdToken).toBeDefined();

    clock.advance(30 * 24 * 3600_000);
    expect(
      await rejection(
        sdk.send(
          new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: tokens.RefreshToken }),
        ),
      ),
    ).toEqual({ name: 'NotAuthorizedException', message: 'Refresh Token has expired' });
  });

  it('refuses a refresh token presented by another client, and an unknown one', async () => {
    const tokens = await passwordSignIn('rita', 'Bench#Password1');
    const foreign = await rejection(
      sdk.send(
        new GetTokensFromRefreshTokenCommand({
          ClientId: SRP_ONLY_CLIENT,
          RefreshToken: tokens.RefreshToken,
        }),
      ),
    );
    expect(foreign).toEqual({ name: 'NotAuthorizedException', message: 'Invalid Refresh Token' });
    const unknown = await rejection(
      sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: 'not-a-token' })),
    );
    expect(unknown).toEqual({ name: 'NotAuthorizedException', message: 'Invalid Refresh Token' });
  });

  it('revokes a refresh token and the access tokens issued with it', async () => {
    const tokens = await passwordSignIn('cara', 'Bench#Password1');
    const other = await passwordSignIn('cara', 'Bench#Password1');
    await sdk.send(new RevokeTokenCommand({ ClientId: CLIENT_ID, Token: tokens.RefreshToken }));
    expect(await rejection(sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken })))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Access Token has been revoked',
    });
    expect(
      (
        await rejection(
          sdk.send(
            new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: tokens.RefreshToken }),
          ),
        )
      ).message,
    ).toBe('Refresh Token has been revoked');
    // Another sign-in of the same user is a separate session and survives.
    expect((await sdk.send(new GetUserCommand({ AccessToken: other.AccessToken }))).Username).toBe('cara');
  });

  it('refuses a forged access token', async () => {
    const tokens = await passwordSignIn('cara', 'Bench#Password1');
    const [header, payload] = (tokens.AccessToken ?? '').split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    expect(await rejection(sdk.send(new GetUserCommand({ AccessToken: forged })))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Invalid Access Token',
    });
    expect((await rejection(sdk.send(new GetUserCommand({ AccessToken: tokens.IdToken })))).message).toBe(
      'Invalid Access Token',
    );
  });
});

describe('ChangePassword', () => {
  it('checks the previous password and the policy, then switches passwords', async () => {
    const tokens = await passwordSignIn('gus', 'Bench#Password1');
    const change = (previous: string, proposed: string) =>
      sdk.send(
        new ChangePasswordCommand({
          AccessToken: tokens.AccessToken,
          PreviousPassword: previous,
          ProposedPassword: proposed,
        }),
      );
    expect(await rejection(change('Wrong#Password1', 'Fresh#Password2'))).toEqual(INCORRECT);
    expect(await rejection(change('Bench#Password1', 'nosymbolsORdigits'))).toEqual({
      name: 'InvalidPasswordException',
      message: 'Password does not conform to policy: Password must have numeric characters',
    });
    await change('Bench#Password1', 'Fresh#Password2');
    expect(await rejection(passwordSignIn('gus', 'Bench#Password1'))).toEqual(INCORRECT);
    expect((await passwordSignIn('gus', 'Fresh#Password2')).AccessToken).toBeDefined();
  });
});

describe('TOTP set-up while signed in (MFA optional)', () => {
  it('associates, verifies, enables and then challenges at sign-in', async () => {
    const tokens = await passwordSignIn('tess', 'Bench#Password1');
    const { SecretCode } = await sdk.send(
      new AssociateSoftwareTokenCommand({ AccessToken: tokens.AccessToken }),
    );
    const secret = SecretCode ?? '';
    const enableEarly = await rejection(
      sdk.send(
        new SetUserMFAPreferenceCommand({
          AccessToken: tokens.AccessToken,
          SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
        }),
      ),
    );
    expect(enableEarly).toEqual({
      name: 'InvalidParameterException',
      message: 'User has not verified software token mfa',
    });
    const code = totpCode(secret, clock.now());
    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect(
      (
        await rejection(
          sdk.send(new VerifySoftwareTokenCommand({ AccessToken: tokens.AccessToken, UserCode: wrongCode })),
        )
      ).name,
    ).toBe('EnableSoftwareTokenMFAException');
    const verified = await sdk.send(
      new VerifySoftwareTokenCommand({ AccessToken: tokens.AccessToken, UserCode: code }),
    );
    expect(verified.Status).toBe('SUCCESS');
    // Verified but not enabled yet: an optional-MFA pool still signs in without a code.
    expect((await passwordSignIn('tess', 'Bench#Password1')).AccessToken).toBeDefined();
    await sdk.send(
      new SetUserMFAPreferenceCommand({
        AccessToken: tokens.AccessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    const user = await sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken }));
    expect(user.PreferredMfaSetting).toBe('SOFTWARE_TOKEN_MFA');
    expect(user.UserMFASettingList).toEqual(['SOFTWARE_TOKEN_MFA']);

    const challenged = await passwordAuth(sdk, 'tess', 'Bench#Password1');
    expect(challenged.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    clock.advance(30_000);
    const answered = await sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: CLIENT_ID,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: challenged.Session,
        ChallengeResponses: { USERNAME: 'tess', SOFTWARE_TOKEN_MFA_CODE: totpCode(secret, clock.now()) },
      }),
    );
    expect(answered.AuthenticationResult?.AccessToken).toBeDefined();
  });

  it('drops an MFA session after five wrong codes', async () => {
    const challenged = await passwordAuth(sdk, 'tess', 'Bench#Password1');
    const answer = (code: string) =>
      sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: CLIENT_ID,
          ChallengeName: 'SOFTWARE_TOKEN_MFA',
          Session: challenged.Session,
          ChallengeResponses: { USERNAME: 'tess', SOFTWARE_TOKEN_MFA_CODE: code },
        }),
      );
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await rejection(answer('abcdef'))).name).toBe('CodeMismatchException');
    }
    expect(await rejection(answer('abcdef'))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user.',
    });
  });
});
