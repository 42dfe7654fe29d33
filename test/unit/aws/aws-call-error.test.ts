import { describe, expect, it } from 'vitest';
import { AwsCallError, toAwsCallError } from '../../../src/main/core/aws/aws-call-error.js';
import { StationError } from '../../../src/main/core/station-error.js';

/** A service error shaped as @aws-sdk/client-iot raises it. */
function serviceError(name: string, message: string, httpStatusCode: number): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode, requestId: 'c0ffee00-0000-4000-8000-000000000001' },
  });
}

describe('toAwsCallError', () => {
  it('maps AccessDenied on a claim to the installers-group hint, with the AWS name and message in full', () => {
    const awsMessage =
      'User: arn:aws:sts::123456789012:assumed-role/StationSignedIn/CognitoIdentityCredentials is not authorized ' +
      'to perform: iot:CreateProvisioningClaim on resource: arn:aws:iot:eu-west-1:123456789012:provisioningtemplate/T1';
    const error = toAwsCallError(
      'CreateProvisioningClaim',
      serviceError('AccessDeniedException', awsMessage, 403),
      {
        templateName: 'T1',
      },
    );
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toBeInstanceOf(StationError);
    expect(error).toMatchObject({
      operation: 'CreateProvisioningClaim',
      awsName: 'AccessDeniedException',
      awsMessage,
      httpStatus: 403,
      kind: 'access-denied',
      requestId: 'c0ffee00-0000-4000-8000-000000000001',
    });
    expect(error.hint).toMatch(/not in the installers group/);
    expect(error.hint).toContain('template T1');
    expect(error.message).toBe(
      `Requesting a provisioning claim failed (AccessDeniedException: ${awsMessage}). ${error.hint}`,
    );
  });

  it.each([
    ['ThrottlingException', 'Rate exceeded', 400, 'throttled', /Wait a moment and press Retry/],
    ['ServiceUnavailableException', 'Service Unavailable', 503, 'throttled', /press Retry/],
    ['ResourceNotFoundException', 'Thing x cannot be found.', 404, 'not-found', /no such resource/],
    [
      'ExpiredTokenException',
      'The security token included in the request is expired',
      403,
      'expired-credentials',
      /sign in again/,
    ],
    [
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      403,
      'expired-credentials',
      /sign in again/,
    ],
    [
      'InvalidSignatureException',
      'Signature expired: clock skew',
      403,
      'expired-credentials',
      /date and time/,
    ],
    [
      'UnauthorizedException',
      'You are not authorized to perform this operation.',
      401,
      'access-denied',
      /installers group/,
    ],
    ['InvalidRequestException', '1 validation error detected', 400, 'invalid', /refused the request/],
    ['CertificateStateException', 'Certificate is revoked', 406, 'invalid', /refused the request/],
    ['InternalFailureException', 'An internal error occurred.', 500, 'other', /could not complete/],
  ] as const)('%s → %s', (name, message, status, kind, hint) => {
    const error = toAwsCallError('DescribeThing', serviceError(name, message, status));
    expect(error.kind).toBe(kind);
    expect(error.hint).toMatch(hint);
    expect(error.message).toContain(`${name}: ${message}`);
  });

  it('names the template when it is missing or disabled', () => {
    const missing = toAwsCallError(
      'DescribeProvisioningTemplate',
      serviceError('ResourceNotFoundException', 'The provisioning template T9 does not exist', 404),
      { templateName: 'T9' },
    );
    expect(missing.hint).toMatch(/Template T9 does not exist .* check the template name/);
    const disabled = toAwsCallError(
      'CreateProvisioningClaim',
      serviceError('InvalidRequestException', 'The provisioning template is disabled', 400),
      { templateName: 'T9' },
    );
    expect(disabled.hint).toBe('Ask your AWS admin to enable template T9.');
  });

  it('recognizes network failures by their system code, also when wrapped', () => {
    const refused = toAwsCallError(
      'DescribeThing',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
    );
    expect(refused).toMatchObject({ kind: 'network', awsName: 'ECONNREFUSED', httpStatus: undefined });
    expect(refused.hint).toMatch(/Check the network connection/);
    const wrapped = toAwsCallError(
      'DescribeThing',
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }),
      }),
    );
    expect(wrapped.kind).toBe('network');
    const timeout = toAwsCallError(
      'DescribeThing',
      Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' }),
    );
    expect(timeout.kind).toBe('network');
  });

  it('keeps no PEM, token or long opaque value from a message, and passes an AwsCallError through', () => {
    const pem =
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END RSA PRIVATE KEY-----';
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl';
    const opaque = 'A'.repeat(120);
    const error = toAwsCallError(
      'CreateProvisioningClaim',
      Object.assign(new Error(`could not load ${pem} with ${jwt} and ${opaque}`), {
        name: 'CredentialsProviderError',
      }),
    );
    expect(error.message).not.toMatch(/MIIEow|eyJhbGci|AAAAAAAAAA/);
    expect(error.message).toContain('[PEM removed]');
    expect(error.kind).toBe('expired-credentials');
    expect(toAwsCallError('DescribeThing', error)).toBe(error);
  });

  it('carries no cause: the SDK error (and whatever it references) stays out of the station error', () => {
    const error = toAwsCallError('DescribeThing', serviceError('AccessDeniedException', 'no', 403));
    expect(error.cause).toBeUndefined();
  });
});
