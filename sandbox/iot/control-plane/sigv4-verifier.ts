import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../../clock.js';
import type { IssuedCredentials, TemporaryCredentialStore } from '../../iam/temporary-credential-store.js';
import { authenticationError } from './aws-api-error.js';
import { parseQuery } from './request-query.js';

/**
 * Verifies AWS Signature Version 4 on an incoming request the way AWS's front door does: it
 * recomputes the signature with the secret of the credentials named in the request and compares.
 * Checks run in AWS's order and answer with AWS's error names and messages, so the SDK reacts as it
 * would against AWS (e.g. it corrects its clock from our `Date` header after a skew error).
 */

export interface RequestToVerify {
  method: string;
  /** The path exactly as received, still percent-encoded. */
  rawPath: string;
  /** The query string as received, without `?`. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SigV4VerifierOptions {
  credentials: TemporaryCredentialStore;
  clock: Clock;
  region: string;
  /** Signing name of the service, `iot` for the IoT control plane. */
  service: string;
  /** Allowed difference between the request's date and the clock; AWS allows 5 minutes. */
  maxClockSkewMs?: number;
}

const algorithm = 'AWS4-HMAC-SHA256';
const authorizationPattern =
  /^AWS4-HMAC-SHA256 +Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request, *SignedHeaders=([a-z0-9;_.-]+), *Signature=([0-9a-f]{64})$/;
const amzDatePattern = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const signatureMismatch =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export class SigV4Verifier {
  private readonly maxClockSkewMs: number;

  constructor(private readonly options: SigV4VerifierOptions) {
    this.maxClockSkewMs = options.maxClockSkewMs ?? 5 * 60 * 1000;
  }

  /** The credentials that signed the request; throws AwsApiError when the request is not authentic. */
  async verify(request: RequestToVerify): Promise<IssuedCredentials> {
    const authorization = singleHeader(request.headers, 'authorization');
    if (authorization === undefined) {
      throw authenticationError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    const parsed = parseAuthorization(authorization);
    const amzDate = singleHeader(request.headers, 'x-amz-date');
    const signingDate = amzDate === undefined ? undefined : parseAmzDate(amzDate);
    if (amzDate === undefined || signingDate === undefined) {
      throw authenticationError(
        400,
        'IncompleteSignatureException',
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
          `Authorization=${algorithm} Credential=${parsed.accessKeyId}/...`,
      );
    }

    const credentials = this.options.credentials.lookup(parsed.accessKeyId);
    const sessionToken = singleHeader(request.headers, 'x-amz-security-token');
    if (!credentials || sessionToken === undefined || !sameText(sessionToken, credentials.sessionToken)) {
      throw authenticationError(
        403,
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
    }
    if (this.options.credentials.isExpired(credentials)) {
      throw authenticationError(
        403,
        'ExpiredTokenException',
        'The security token included in the request is expired',
      );
    }

    if (parsed.region !== this.options.region) {
      throw authenticationError(
        403,
        'InvalidSignatureException',
        `Credential should be scoped to a valid region, not '${parsed.region}'. `,
      );
    }
    if (parsed.service !== this.options.service) {
      throw authenticationError(
        403,
        'InvalidSignatureException',
        `Credential should be scoped to correct service: '${this.options.service}'. `,
      );
    }
    if (parsed.scopeDate !== amzDate.slice(0, 8)) {
      throw authenticationError(
        403,
        'InvalidSignatureException',
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ` +
          `'${parsed.scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      );
    }
    this.checkClockSkew(amzDate, signingDate);
    if (!parsed.signedHeaders.includes('host')) {
      throw authenticationError(
        400,
        'IncompleteSignatureException',
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
      );
    }

    const expected = await this.expectedSignature(request, parsed, signingDate, credentials);
    if (!sameText(expected, parsed.signature)) {
      throw authenticationError(403, 'InvalidSignatureException', signatureMismatch);
    }
    return credentials;
  }

  private checkClockSkew(amzDate: string, signingDate: Date): void {
    const now = this.options.clock.now();
    const skew = signingDate.getTime() - now;
    if (skew < -this.maxClockSkewMs) {
      throw authenticationError(
        403,
        'InvalidSignatureException',
        `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - this.maxClockSkewMs)} ` +
          `(${formatAmzDate(now)} - 5 min.)`,
      );
    }
    if (skew > this.maxClockSkewMs) {
      throw authenticationError(
        403,
        'InvalidSignatureException',
        `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + this.maxClockSkewMs)} ` +
          `(${formatAmzDate(now)} + 5 min.)`,
      );
    }
  }

  private async expectedSignature(
    request: RequestToVerify,
    parsed: ParsedAuthorization,
    signingDate: Date,
    credentials: IssuedCredentials,
  ): Promise<string> {
    const headers: Record<string, string> = {};
    for (const name of parsed.signedHeaders) {
      const value = request.headers[name];
      // A signed header that did not arrive cannot have been signed with this value.
      if (value === undefined) throw authenticationError(403, 'InvalidSignatureException', signatureMismatch);
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    // The signer trusts a stated body hash; use the real one, so a body changed after signing fails.
    if (headers['x-amz-content-sha256'] !== undefined) {
      headers['x-amz-content-sha256'] = createHash('sha256').update(request.body).digest('hex');
    }
    const signer = new SignatureV4({
      service: parsed.service,
      region: parsed.region,
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken,
      },
      sha256: Sha256,
      uriEscapePath: true,
      applyChecksum: false,
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: request.method,
        protocol: 'http:',
        hostname: headers.host ?? '',
        path: request.rawPath,
        query: parseQuery(request.rawQuery),
        headers,
        body: request.body.length > 0 ? new Uint8Array(request.body) : undefined,
      }),
      {
        signingDate,
        signingRegion: parsed.region,
        signingService: parsed.service,
        signableHeaders: new Set(parsed.signedHeaders),
      },
    );
    const match = /Signature=([0-9a-f]{64})$/.exec(signed.headers.authorization ?? '');
    return match?.[1] ?? '';
  }
}

interface ParsedAuthorization {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(header: string): ParsedAuthorization {
  if (!header.startsWith(`${algorithm} `)) {
    const given = header.split(' ')[0] ?? '';
    throw authenticationError(
      400,
      'IncompleteSignatureException',
      `Unsupported AWS 'algorithm': '${given}'.`,
    );
  }
  const match = authorizationPattern.exec(header.trim());
  if (!match) {
    const missing = ['Credential', 'SignedHeaders', 'Signature'].filter(
      (part) => !header.includes(`${part}=`),
    );
    throw authenticationError(
      400,
      'IncompleteSignatureException',
      missing.length > 0
        ? missing.map((part) => `Authorization header requires '${part}' parameter.`).join(' ')
        : 'Authorization header is malformed: expected Credential=<key>/<date>/<region>/<service>/aws4_request, ' +
            'SignedHeaders=<names>, Signature=<64 hex>.',
    );
  }
  const [, accessKeyId = '', scopeDate = '', region = '', service = '', signedHeaders = '', signature = ''] =
    match;
  return { accessKeyId, scopeDate, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

function parseAmzDate(value: string): Date | undefined {
  const match = amzDatePattern.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const date = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function singleHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
