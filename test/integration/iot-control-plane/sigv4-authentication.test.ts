import { CreatePolicyCommand, DescribeEndpointCommand, ListThingsCommand } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sandbox/clock.js';
import { accountId, sdkError, signedFetch, startFixture, type Fixture } from './control-plane-fixture.js';

/** The control plane's SigV4 checks, seen through the official SDK client and its signer. */

const clock = new ManualClock(Date.now());
let fixture: Fixture;

beforeAll(async () => {
  fixture = await startFixture({ clock });
});
afterAll(async () => {
  await fixture.close();
});

const endpointCall = () => new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' });

describe('SigV4 verification', () => {
  it('accepts a request signed with issued credentials', async () => {
    const output = await fixture.client('installer').send(endpointCall());
    expect(output.endpointAddress).toBe('127.0.0.1');
  });

  it('answers a wrong secret key with InvalidSignatureException', async () => {
    const issued = fixture.issue('installer');
    const client = fixture.client({ ...issued, secretAccessKey: `${issued.secretAccessKey.slice(1)}x` });
    const error = await sdkError(client.send(endpointCall()));
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toMatch(
      /^The request signature we calculated does not match the signature you provided\./,
    );
  });

  it('answers an unknown access key or a foreign session token with UnrecognizedClientException', async () => {
    const issued = fixture.issue('installer');
    for (const credentials of [
      { ...issued, accessKeyId: 'ASIAUNKNOWNKEY000000' },
      { ...issued, sessionToken: fixture.issue('installer').sessionToken },
    ]) {
      const error = await sdkError(fixture.client(credentials).send(endpointCall()));
      expect(error.name).toBe('UnrecognizedClientException');
      expect(error.$metadata.httpStatusCode).toBe(403);
      expect(error.message).toBe('The security token included in the request is invalid.');
    }
  });

  it('answers expired credentials with ExpiredTokenException', async () => {
    const issued = fixture.issue('installer', 900);
    const client = fixture.client(issued);
    await client.send(endpointCall());
    clock.advance(901_000);
    try {
      const error = await sdkError(client.send(endpointCall()));
      expect(error.name).toBe('ExpiredTokenException');
      expect(error.$metadata.httpStatusCode).toBe(403);
      expect(error.message).toBe('The security token included in the request is expired');
    } finally {
      clock.advance(-901_000);
    }
  });

  it('refuses a request signed more than 5 minutes off, and the SDK corrects its clock from our Date header', async () => {
    clock.advance(10 * 60_000);
    try {
      const issued = fixture.issue('installer');
      const once = await sdkError(fixture.client(issued).send(endpointCall()));
      expect(once.name).toBe('InvalidSignatureException');
      expect(once.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
      // With retries allowed, the SDK treats it as clock skew, adopts the server's time and succeeds.
      const retrying = fixture.client(issued, { maxAttempts: 2 });
      const output = await retrying.send(endpointCall());
      expect(output.$metadata.attempts).toBe(2);
    } finally {
      clock.advance(-10 * 60_000);
    }
  });

  it('refuses credentials scoped to another region', async () => {
    const error = await sdkError(fixture.client('installer', { region: 'us-east-1' }).send(endpointCall()));
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toMatch(/Credential should be scoped to a valid region, not 'us-east-1'/);
  });

  it('detects a body changed after signing', async () => {
    const issued = fixture.issue('admin');
    const body = JSON.stringify({
      policyDocument: JSON.stringify({
        Statement: { Effect: 'Allow', Action: 'iot:Connect', Resource: '*' },
      }),
    });
    const request = { method: 'POST', path: '/policies/SignedPolicy', body };
    const tampered = await signedFetch(fixture.running.url, issued, {
      ...request,
      tamper: (text) => text.replace('iot:Connect', 'iot:*'),
    });
    expect(tampered.status).toBe(403);
    expect(tampered.errorType).toMatch(/^InvalidSignatureException:/);
    expect(fixture.registry.getPolicy('SignedPolicy')).toBeUndefined();
    // The same through the SDK client, whose requests carry no x-amz-content-sha256 header.
    const client = fixture.client(issued);
    client.middlewareStack.add(
      (next) => async (args) => {
        const sent = args.request as { body?: unknown };
        // The SDK hands over a string-like body object; replace it by the changed text.
        const text = String(sent.body);
        expect(text).toContain('iot:Connect');
        sent.body = text.replace('iot:Connect', 'iot:Publish'); // same length: content-length is set
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'tamperBodyAfterSigning' },
    );
    const viaSdk = await sdkError(
      client.send(
        new CreatePolicyCommand({
          policyName: 'SignedPolicy',
          policyDocument: JSON.stringify({
            Statement: { Effect: 'Allow', Action: 'iot:Connect', Resource: '*' },
          }),
        }),
      ),
    );
    expect(viaSdk.name).toBe('InvalidSignatureException');
    expect(fixture.registry.getPolicy('SignedPolicy')).toBeUndefined();
    const genuine = await signedFetch(fixture.running.url, issued, request);
    expect(genuine.status).toBe(200);
    expect(fixture.registry.getPolicy('SignedPolicy')?.policyArn).toContain(accountId);
  });

  it('detects a query parameter changed after signing', async () => {
    const issued = fixture.issue('installer');
    const signedFor = await signedFetch(fixture.running.url, issued, {
      method: 'GET',
      path: '/endpoint',
      query: { endpointType: 'iot:Data-ATS' },
    });
    expect(signedFor.status).toBe(200);
    // Same signature, different query: sign for one value, send another.
    const error = await sdkError(
      (() => {
        const client = fixture.client(issued);
        client.middlewareStack.add(
          (next) => async (args) => {
            const request = args.request as { query?: Record<string, string> };
            if (request.query) request.query.maxResults = '7';
            return next(args);
          },
          { step: 'finalizeRequest', priority: 'low', name: 'tamperAfterSigning' },
        );
        return client.send(new ListThingsCommand({ maxResults: 5 }));
      })(),
    );
    expect(error.name).toBe('InvalidSignatureException');
  });

  it('answers an unsigned request with MissingAuthenticationTokenException', async () => {
    const response = await signedFetch(fixture.running.url, undefined, { method: 'GET', path: '/things' });
    expect(response.status).toBe(403);
    expect(response.errorType).toMatch(/^MissingAuthenticationTokenException/);
    expect(response.body).toEqual({ message: 'Missing Authentication Token' });
  });

  it('logs every refusal without secrets', () => {
    const text = JSON.stringify(fixture.log);
    expect(fixture.log.some((entry) => entry.errorCode === 'InvalidSignatureException')).toBe(true);
    const issued = fixture.issue('installer');
    expect(text).not.toContain(issued.secretAccessKey);
    expect(text).not.toMatch(/PRIVATE KEY|sessionToken|secretAccessKey/);
  });
});
