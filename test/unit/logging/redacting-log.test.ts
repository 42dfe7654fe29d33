import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRedactingLog } from '../../../src/main/core/logging/redacting-log.js';
import { redactForDisplay, redactSecrets } from '../../../src/main/core/logging/secret-redaction.js';
import { findSecretSpans, isSecretName } from '../../../src/main/core/logging/secret-shapes.js';
import { viewText } from '../../../src/shared/ipc-output-schemas.js';
import {
  makeSecretSamples,
  pemBody,
  withoutFooter,
  withoutHeader,
  type SecretSamples,
} from '../ipc/secret-samples.js';

let s: SecretSamples;
beforeAll(async () => {
  s = await makeSecretSamples();
});

/** Every 24-character slice of the secret's base64 body: none may survive redaction. */
function assertNoPieceOf(secretBase64: string, text: string) {
  const body = secretBase64.replace(/[\s=]/g, '');
  for (let at = 0; at + 24 <= body.length; at += 24) {
    expect(text, `piece at ${at} survived`).not.toContain(body.slice(at, at + 24));
  }
}

describe('redactSecrets', () => {
  it.each([
    ['RSA PKCS#8 PEM', () => s.rsaPkcs8Pem, '[redacted private key]'],
    ['RSA PKCS#1 PEM', () => s.rsaPkcs1Pem, '[redacted private key]'],
    ['EC SEC1 PEM', () => s.ecSec1Pem, '[redacted private key]'],
    ['Ed25519 PEM', () => s.ed25519Pkcs8Pem, '[redacted private key]'],
    ['certificate PEM', () => s.certificatePem, '[redacted certificate]'],
    ['PEM with its BEGIN line cut', () => withoutHeader(s.rsaPkcs8Pem), '[redacted private key]'],
    ['PEM with its END line cut', () => withoutFooter(s.certificatePem), '[redacted certificate]'],
    ['PEM body, both lines cut', () => pemBody(s.rsaPkcs8Pem), '[redacted'],
    [
      'PEM body from its third line (no DER start)',
      () => pemBody(s.rsaPkcs8Pem).split('\n').slice(2).join('\n'),
      '[redacted base64 data]',
    ],
    [
      'PEM in JSON (escaped line breaks)',
      () => JSON.stringify({ claim: s.certificatePem }),
      '[redacted certificate]',
    ],
    ['PEM on one line with spaces', () => s.certificatePem.replace(/\n/g, ' '), '[redacted certificate]'],
    ['certificate DER as base64', () => s.certificateDer.toString('base64'), '[redacted DER data]'],
    ['certificate DER as base64url', () => s.certificateDer.toString('base64url'), '[redacted DER data]'],
    ['certificate DER as hex (3082…)', () => s.certificateDer.toString('hex'), '[redacted DER data]'],
    ['key DER as upper-case hex', () => s.rsaKeyDer.toString('hex').toUpperCase(), '[redacted DER data]'],
    ['key DER as 0x-hex', () => `0x${s.rsaKeyDer.toString('hex')}`, '[redacted DER data]'],
    [
      'Ed25519 key DER as base64 (64 characters)',
      () => s.ed25519KeyDer.toString('base64'),
      '[redacted DER data]',
    ],
    ['Ed25519 key DER as hex', () => s.ed25519KeyDer.toString('hex'), '[redacted DER data]'],
    [
      'DER as colon hex',
      () => [...s.rsaKeyDer].map((b) => b.toString(16).padStart(2, '0')).join(':'),
      '[redacted DER data]',
    ],
    ['an inspected Buffer', () => inspect(s.rsaKeyDer), '[redacted'],
    ['a Buffer as JSON', () => JSON.stringify(s.ed25519KeyDer), '[redacted bytes]'],
    ['a JWT', () => s.jwt, '[redacted token]'],
    ['an opaque refresh token', () => s.refreshToken, '[redacted base64 data]'],
    ['a session token', () => s.sessionToken, '[redacted base64 data]'],
    ['an AWS access key id', () => s.accessKeyId, '[redacted AWS access key id]'],
    ['a bearer token', () => `Authorization: Bearer ${s.secretAccessKey}`, 'Bearer [redacted token]'],
  ])('replaces %s', (_name, sample, marker) => {
    const text = `before ${sample()} after`;
    const redacted = redactSecrets(text);
    expect(redacted).toContain(marker);
    expect(redacted.startsWith('before ')).toBe(true);
    expect(redacted).toMatch(/after$/);
    expect(findSecretSpans(redacted)).toEqual([]);
  });

  it('leaves nothing of the key or certificate body behind', () => {
    for (const pem of [s.rsaPkcs8Pem, s.certificatePem]) {
      for (const variant of [
        pem,
        withoutHeader(pem),
        withoutFooter(pem),
        pemBody(pem),
        JSON.stringify(pem),
      ]) {
        assertNoPieceOf(pemBody(pem), redactSecrets(`x ${variant} y`));
      }
    }
    assertNoPieceOf(s.certificateDer.toString('base64'), redactSecrets(s.certificateDer.toString('base64')));
  });

  it.each([
    ['JSON "private_key"', `{"private_key":"${s?.secretAccessKey ?? 'k'}","ok":"fine"}`],
    ['escaped JSON claimPrivateKey', '{\\"claimPrivateKey\\":\\"abc\\"}'],
    [
      'key=value secret_access_key',
      'secret_access_key=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY region=eu-west-1',
    ],
    ['client_secret in a query', 'POST /oauth2/token?client_id=abc&client_secret=s3cr3tvalue&x=1'],
    ['inspected privateKeyPem', "{ privateKeyPem: 'not-a-real-key', id: 'x' }"],
    ['x-amz-security-token header', 'x-amz-security-token: IQoJb3JpZ2luX2VjEOr'],
    ['a password', 'password=hunter2 user=op'],
  ])('replaces the value of %s', (_name, text) => {
    const redacted = redactSecrets(text);
    expect(redacted).toContain('[redacted]');
    expect(redacted).not.toMatch(/hunter2|abc\\"|s3cr3tvalue|not-a-real-key|IQoJ|wJalrXUtn/);
    expect(findSecretSpans(redacted)).toEqual([]);
  });

  it('keeps ordinary operator text, ids and fingerprints as they are', () => {
    const fingerprint = 'a1'.repeat(32);
    for (const text of [
      'Thing SN-0001 is verified; certificate ACTIVE and attached. Unplug the device.',
      `Certificate ${fingerprint} (SHA-256 ${fingerprint}) is the one the device reported.`,
      `arn:aws:iot:eu-west-1:123456789012:cert/${fingerprint}`,
      '/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0',
      'b1e3c1d4-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
      'TokenExpiredException: The security token included in the request is expired',
      'NotAuthorizedException: Incorrect username or password.',
      'The refresh token expired: sign in again.',
      'passwordRequired=true tokenExpiresAt=null',
      'Reseat the cable and press Retry.',
      'aws: POST https://cognito-idp.eu-west-1.amazonaws.com/ answered 400',
      'aws: http://127.0.0.1:4566/?Action=DescribeEndpoint&endpointType=iot:Data-ATS timed out',
      'The authenticator app shows the issuer "Provisioning Station" after the scan.',
    ]) {
      expect(redactSecrets(text)).toBe(text);
    }
  });

  it('is idempotent', () => {
    const text = `cert ${s.certificatePem} key=${s.rsaPkcs8Pem} token ${s.jwt} password=x`;
    const once = redactSecrets(text);
    expect(redactSecrets(once)).toBe(once);
  });

  it('stays fast on long input (no backtracking blow-up)', () => {
    const noise = randomBytes(48 * 1024)
      .toString('base64')
      .replace(/(.{64})/g, '$1\n');
    const words = 'word '.repeat(20_000);
    const started = performance.now();
    redactSecrets(noise);
    redactSecrets(words);
    redactSecrets('-----END CERTIFICATE-----'.repeat(2000));
    redactSecrets(`${'a'.repeat(60_000)}-----END X-----`);
    redactSecrets(`${'-'.repeat(60_000)}BEGIN`);
    redactSecrets(`${' '.repeat(60_000)}x`);
    redactSecrets(`token${' '.repeat(60_000)}`);
    redactSecrets(`[${'1,'.repeat(30_000)}`);
    redactSecrets('ab '.repeat(20_000));
    redactSecrets(`?${'&password'.repeat(6_000)}`);
    redactSecrets('otpauth://'.repeat(6_000));
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe('redactSecrets: the TOTP set-up URI and URL parameters', () => {
  const totpSecret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  const setupUri = `otpauth://totp/Provisioning%20Station:installer?secret=${totpSecret}&issuer=Provisioning%20Station`;

  it.each([
    ['as it is', setupUri],
    [
      'with the secret last',
      `otpauth://totp/Station:installer?issuer=Station&algorithm=SHA1&secret=${totpSecret}`,
    ],
    ['upper case', setupUri.replace('otpauth', 'OTPAUTH')],
    [
      'as an authenticator export',
      `otpauth-migration://offline?data=${encodeURIComponent('CjEKCkhlbGxvId6tvu8SGA==')}`,
    ],
  ])('replaces an otpauth URI %s, whole', (_how, uri) => {
    const redacted = redactSecrets(`session: totp set-up for installer: ${uri} (scan it)`);
    expect(redacted).toBe('session: totp set-up for installer: [redacted otpauth URI] (scan it)');
    expect(findSecretSpans(redacted)).toEqual([]);
  });

  it('replaces it inside JSON and escaped JSON', () => {
    const json = JSON.stringify({ step: 'totp-setup', totpSetup: { otpauthUri: setupUri } });
    for (const text of [json, JSON.stringify({ body: json })]) {
      const redacted = redactSecrets(text);
      expect(redacted).not.toContain(totpSecret);
      expect(redacted).toContain('[redacted');
      expect(redacted).toContain('totp-setup');
    }
  });

  it('passes createRedactingLog with no trace of the secret', () => {
    const lines: string[] = [];
    createRedactingLog((line) => lines.push(line))(`sign-in: showing ${setupUri}`);
    expect(lines).toEqual(['sign-in: showing [redacted otpauth URI]']);
  });

  it('replaces secret-named parameters of any URL, and keeps the rest of it', () => {
    expect(redactSecrets('GET https://example.com/cb?state=abc&access_token=opaque-123&x=1 failed')).toBe(
      'GET https://example.com/cb?state=abc&access_token=[redacted]&x=1 failed',
    );
    expect(
      redactSecrets(
        'url: https://bucket.s3.amazonaws.com/k?X-Amz-Security-Token=IQoJb3JpZ2luX2VjEAoaCXVz&X-Amz-Signature=ab12',
      ),
    ).toBe('url: https://bucket.s3.amazonaws.com/k?X-Amz-Security-Token=[redacted]&X-Amz-Signature=ab12');
    expect(redactSecrets('http://h/login?user=installer&password=hunter2')).toBe(
      'http://h/login?user=installer&password=[redacted]',
    );
  });
});

describe('isSecretName', () => {
  it.each([
    'private_key',
    'claimPrivateKey',
    'privateKeyPem',
    'secret_access_key',
    'client_secret',
    'SessionToken',
    'id-token',
    'PASSWORD',
    'aws_credentials',
    'certificatePem',
    'keyPair',
  ])('treats %s as secret', (name) => expect(isSecretName(name)).toBe(true));
  it.each([
    'thingName',
    'certificateId',
    'fingerprint',
    'serialNumber',
    'passwordPolicy',
    'message',
    'keyboard',
  ])('treats %s as harmless', (name) => expect(isSecretName(name)).toBe(false));
});

describe('createRedactingLog', () => {
  function capture(options?: { maxLineLength?: number }) {
    const lines: string[] = [];
    return { lines, log: createRedactingLog((line) => lines.push(line), options) };
  }

  it('redacts before the sink sees the line', () => {
    const { lines, log } = capture();
    log(`claim failed: ${new Error(`bad key ${s.rsaPkcs8Pem}`).message}`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('claim failed: bad key [redacted private key]');
    assertNoPieceOf(pemBody(s.rsaPkcs8Pem), lines[0]!);
  });

  it('writes one line per call, with control characters replaced', () => {
    const { lines, log } = capture();
    log('first\nsecond\r\nthird\u001b[31m red \u0000 \u202e');
    expect(lines).toEqual(['first\\nsecond\\nthird?[31m red ? ?']);
  });

  it('bounds the line length and says how much was cut', () => {
    const { lines, log } = capture({ maxLineLength: 200 });
    log('x '.repeat(1000));
    expect(lines[0]!.length).toBe(200);
    expect(lines[0]).toMatch(/more characters cut\]$/);
  });

  it('redacts a secret that the length bound would have cut in half', () => {
    const { lines, log } = capture({ maxLineLength: 300 });
    log(`${'x'.repeat(250)} ${s.rsaPkcs8Pem}`);
    expect(lines[0]).not.toContain('MII');
  });

  it('is harmless when wrapped twice', () => {
    const { lines, log } = capture();
    createRedactingLog(log)(`a ${s.certificatePem} b`);
    expect(lines).toEqual(['a [redacted certificate]\\n b']);
  });
});

describe('redactForDisplay', () => {
  it('gives one redacted line that passes viewText', () => {
    const text = redactForDisplay(`The claim was refused:\n${s.certificatePem}\nAsk your AWS admin.`, 300);
    expect(text).toBe('The claim was refused: [redacted certificate]  Ask your AWS admin.');
    expect(viewText(300).safeParse(text).success).toBe(true);
    const long = redactForDisplay(`${'word '.repeat(200)}${s.sessionToken}`, 120);
    expect(viewText(120).safeParse(long).success).toBe(true);
  });
});
