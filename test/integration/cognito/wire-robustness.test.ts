import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SRP_G, SRP_N, modPow } from '../../../sandbox/cognito/srp.js';
import {
  CLIENT_ID,
  IDENTITY_POOL_ID,
  USER_POOL_ID,
  startCognitoSandbox,
  type CognitoSandbox,
} from './cognito-sandbox-fixture.js';

let sandbox: CognitoSandbox;

interface RawResponse {
  status: number;
  errorType: string | undefined;
  body: Record<string, unknown>;
}

async function post(target: string | undefined, body: string | Buffer): Promise<RawResponse> {
  const response = await fetch(`${sandbox.server.url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      ...(target ? { 'x-amz-target': target } : {}),
    },
    body,
  });
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-errortype') ?? undefined,
    body: (await response.json()) as Record<string, unknown>,
  };
}

const idp = (operation: string) => `AWSCognitoIdentityProviderService.${operation}`;

beforeAll(async () => {
  sandbox = await startCognitoSandbox();
  sandbox.userPool.createUser({ username: 'wendy', password: 'Bench#Password1' });
});

afterAll(async () => {
  expect(sandbox.internalErrors).toEqual([]);
  await sandbox.close();
});

describe('malformed requests get AWS error shapes, never a crash', () => {
  it('answers bad JSON with SerializationException', async () => {
    const response = await post(idp('InitiateAuth'), '{"AuthFlow": ');
    expect(response).toEqual({
      status: 400,
      errorType: 'SerializationException',
      body: { __type: 'SerializationException', message: 'Request body is not valid JSON.' },
    });
    expect((await post(idp('InitiateAuth'), '[1,2]')).errorType).toBe('SerializationException');
  });

  it('refuses an oversized body with 413 before reading it all', async () => {
    const response = await post(idp('InitiateAuth'), Buffer.alloc(200 * 1024, 0x20));
    expect(response.status).toBe(413);
    expect(response.body.__type).toBe('SerializationException');
  });

  it('names missing fields and wrong types as validation errors', async () => {
    const missing = await post(idp('InitiateAuth'), '{"AuthFlow":"USER_PASSWORD_AUTH"}');
    expect(missing).toMatchObject({ status: 400, errorType: 'InvalidParameterException' });
    expect(missing.body.message).toBe(
      "1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null",
    );
    const wrongType = await post(
      idp('InitiateAuth'),
      JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 7 }),
    );
    expect(wrongType.errorType).toBe('InvalidParameterException');
    const noPool = await post('AWSCognitoIdentityService.GetId', '{}');
    expect(noPool.body.message).toContain("Value null at 'identityPoolId'");
    const badFlow = await post(
      idp('InitiateAuth'),
      JSON.stringify({ AuthFlow: 'MAGIC', ClientId: CLIENT_ID }),
    );
    expect(badFlow.body.message).toContain("Value 'MAGIC' at 'authFlow'");
  });

  it('refuses a missing or unknown target and an unimplemented operation', async () => {
    expect(await post(undefined, '{}')).toMatchObject({
      status: 400,
      errorType: 'UnknownOperationException',
    });
    expect(await post('SomethingElse.Op', '{}')).toMatchObject({
      status: 400,
      errorType: 'UnknownOperationException',
    });
    expect(await post(idp('SignUp'), '{}')).toMatchObject({
      status: 400,
      errorType: 'UnsupportedOperationException',
    });
    expect(await post('AWSCognitoIdentityService.GetOpenIdToken', '{}')).toMatchObject({
      errorType: 'UnsupportedOperationException',
    });
  });

  it('checks SRP_A and the TIMESTAMP format', async () => {
    const badA = await post(
      idp('InitiateAuth'),
      JSON.stringify({
        AuthFlow: 'USER_SRP_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: 'wendy', SRP_A: SRP_N.toString(16) },
      }),
    );
    expect(badA.errorType).toBe('InvalidParameterException');
    const started = await post(
      idp('InitiateAuth'),
      JSON.stringify({
        AuthFlow: 'USER_SRP_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: 'wendy', SRP_A: modPow(SRP_G, 987654321n, SRP_N).toString(16) },
      }),
    );
    const parameters = started.body.ChallengeParameters as Record<string, string>;
    expect(parameters.USER_ID_FOR_SRP).toBe('wendy');
    const answer = await post(
      idp('RespondToAuthChallenge'),
      JSON.stringify({
        ClientId: CLIENT_ID,
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeResponses: {
          USERNAME: 'wendy',
          PASSWORD_CLAIM_SECRET_BLOCK: parameters.SECRET_BLOCK,
          PASSWORD_CLAIM_SIGNATURE: 'AAAA',
          TIMESTAMP: '2026-11-26T08:00:00Z',
        },
      }),
    );
    expect(answer).toMatchObject({
      errorType: 'InvalidParameterException',
      body: { message: 'TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.' },
    });
  });

  it('gives an unknown user an SRP challenge that looks like a real one', async () => {
    const srpA = modPow(SRP_G, 123n, SRP_N).toString(16);
    const start = (username: string) =>
      post(
        idp('InitiateAuth'),
        JSON.stringify({
          AuthFlow: 'USER_SRP_AUTH',
          ClientId: CLIENT_ID,
          AuthParameters: { USERNAME: username, SRP_A: srpA },
        }),
      );
    const ghost = await start('ghost');
    const ghostAgain = await start('ghost');
    const real = await start('wendy');
    expect(ghost.status).toBe(200);
    expect(Object.keys(ghost.body.ChallengeParameters as object).sort()).toEqual(
      Object.keys(real.body.ChallengeParameters as object).sort(),
    );
    const salt = (response: RawResponse) =>
      (response.body.ChallengeParameters as Record<string, string>).SALT;
    expect(salt(ghost)).toBe(salt(ghostAgain));
  });

  it('survives a client that disconnects mid-body and keeps serving', async () => {
    await new Promise<void>((resolve) => {
      const req = request(`${sandbox.server.url}/`, {
        method: 'POST',
        headers: { 'x-amz-target': idp('InitiateAuth'), 'content-length': '5000' },
      });
      req.on('error', () => resolve());
      req.write('{"AuthFlow":');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    const ok = await post(
      idp('InitiateAuth'),
      JSON.stringify({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: 'wendy', PASSWORD: 'Bench#Password1' },
      }),
    );
    expect(ok.status).toBe(200);
  });
});

describe('request log', () => {
  it('reports operation, status and error name, and never a password', async () => {
    await post(idp('InitiateAuth'), '{"AuthFlow": ');
    expect(sandbox.requests.at(-1)).toMatchObject({
      service: 'AWSCognitoIdentityProviderService',
      operation: 'InitiateAuth',
      statusCode: 400,
      errorType: 'SerializationException',
    });
    await post(
      idp('InitiateAuth'),
      JSON.stringify({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: 'wendy', PASSWORD: 'Bench#Password1' },
      }),
    );
    const last = sandbox.requests.at(-1);
    expect(last).toMatchObject({ operation: 'InitiateAuth', statusCode: 200 });
    expect(last?.errorType).toBeUndefined();
    expect(JSON.stringify(sandbox.requests)).not.toContain('Bench#Password1');
    expect(sandbox.requests.some((entry) => entry.errorType === 'ClientDisconnected')).toBe(true);
  });
});

describe('JWKS', () => {
  it('serves the public signing key at the Cognito path and nothing private', async () => {
    const response = await fetch(`${sandbox.server.url}/${USER_POOL_ID}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    const jwks = (await response.json()) as { keys: Record<string, string>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
    expect(Object.keys(jwks.keys[0] ?? {}).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  it('answers other paths with 404', async () => {
    expect((await fetch(`${sandbox.server.url}/${IDENTITY_POOL_ID}/.well-known/jwks.json`)).status).toBe(404);
  });
});
