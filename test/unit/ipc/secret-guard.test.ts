import { beforeAll, describe, expect, it } from 'vitest';
import { assertNoSecrets, SecretLeakError } from '../../../src/main/core/ipc/secret-guard.js';
import {
  makeSecretSamples,
  pemBody,
  withoutFooter,
  withoutHeader,
  type SecretSamples,
} from './secret-samples.js';

let s: SecretSamples;
beforeAll(async () => {
  s = await makeSecretSamples();
});

function refusal(value: unknown): SecretLeakError {
  try {
    assertNoSecrets(value);
  } catch (error) {
    if (error instanceof SecretLeakError) return error;
    throw error;
  }
  throw new Error('the value was not refused');
}

describe('assertNoSecrets', () => {
  it('lets view models through: ids, fingerprints, thing names, serial numbers, ordinary messages', () => {
    expect(() =>
      assertNoSecrets({
        devices: [
          { path: '/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0', serialNumber: 'SN-0001' },
        ],
        fingerprint: 'ab'.repeat(32),
        certificateId: 'a'.repeat(64),
        certificateArn: `arn:aws:iot:eu-west-1:123456789012:cert/${'c'.repeat(64)}`,
        thingName: 'station-7_batch-2024-11-26_SN-0001',
        sub: 'b1e3c1d4-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
        message: 'The claim expired before delivery. Press Retry; the station fetches a new one.',
        detail: 'ThrottlingException: Rate exceeded',
        // Secret-named fields that say only whether or when: booleans, numbers, null.
        tokenExpiresAt: 1_767_000_000_000,
        passwordRequired: true,
        credentials: null,
        passwordPolicy: { minimumLength: 8 },
      }),
    ).not.toThrow();
  });

  it.each([
    ['a PEM certificate', () => ({ note: s.certificatePem })],
    ['a PEM key deep in an array', () => ({ list: [{ text: ['x', s.ecSec1Pem] }] })],
    ['a PEM whose BEGIN line was cut', () => ({ text: withoutHeader(s.rsaPkcs8Pem) })],
    ['a PEM whose END line was cut', () => ({ text: withoutFooter(s.certificatePem) })],
    ['a PEM body alone (64-character lines)', () => ({ text: pemBody(s.rsaPkcs1Pem) })],
    [
      'a PEM body from its middle',
      () => ({ text: pemBody(s.rsaPkcs8Pem).split('\n').slice(3, 6).join('\n') }),
    ],
    ['certificate DER as one base64 string', () => ({ text: s.certificateDer.toString('base64') })],
    ['key DER as one base64 string', () => ({ text: s.rsaKeyDer.toString('base64') })],
    ['certificate DER as hex (3082…)', () => ({ text: s.certificateDer.toString('hex') })],
    ['a short Ed25519 key DER as base64', () => ({ text: s.ed25519KeyDer.toString('base64') })],
    ['a JWT', () => ({ note: s.jwt })],
    ['an opaque token', () => ({ note: s.refreshToken })],
    ['an AWS access key id', () => ({ who: s.accessKeyId })],
    ['a field named privateKey', () => ({ privateKey: 'anything' })],
    ['a field named private_key', () => ({ private_key: 'anything' })],
    ['a field named claimPrivateKey', () => ({ claim: { claimPrivateKey: 'x' } })],
    ['a field named privateKeyPem', () => ({ privateKeyPem: 'x' })],
    ['a field named secret_access_key', () => ({ secret_access_key: s.secretAccessKey })],
    ['a field named client_secret', () => ({ client_secret: 'x' })],
    ['a field named SessionToken', () => ({ Credentials: { SessionToken: 'x' } })],
    ['an object under a secret name', () => ({ credentials: { id: 'x' } })],
    ['JSON text with a secret-named key', () => ({ note: '{"private_key":"abc"}' })],
    [
      'an otpauth URI outside the TOTP set-up fields',
      () => ({ message: 'Scan otpauth://totp/Station:op?secret=JBSWY3DPEHPK3PXP&issuer=Station' }),
    ],
    ['a token in a URL parameter', () => ({ link: 'https://example.com/cb?access_token=opaque-123' })],
    ['a Buffer', () => ({ raw: s.rsaKeyDer })],
    ['a Uint8Array', () => ({ raw: new Uint8Array(s.ed25519KeyDer) })],
    ['an ArrayBuffer', () => ({ raw: new ArrayBuffer(8) })],
    ['a Buffer after JSON.stringify', () => JSON.parse(JSON.stringify({ raw: s.ed25519KeyDer })) as unknown],
    ['a secret inside a Map', () => ({ map: new Map([['k', s.certificatePem]]) })],
    ['a secret in an Error message', () => ({ error: new Error(`bad ${s.rsaPkcs8Pem}`) })],
  ])('refuses %s', (_name, value) => {
    expect(() => assertNoSecrets(value())).toThrow(SecretLeakError);
  });

  it('names where the secret was and what it looked like, but not the secret', () => {
    const error = refusal({ a: { b: s.rsaPkcs8Pem } });
    expect(error.message).toBe('Refused to send a private key to the renderer (at $.a.b).');
    expect(refusal({ list: [1, { raw: s.rsaKeyDer }] }).message).toContain(
      'binary data to the renderer (at $.list[1].raw)',
    );
    expect(refusal({ claim: { private_key: 'x' } }).message).toContain('a field named private_key');
  });

  it('skips exactly the paths declared as deliberate secrets', () => {
    const setup = {
      totpSetup: {
        secret: 'JBSWY3DPEHPK3PXP',
        otpauthUri: 'otpauth://totp/Station:op?secret=JBSWY3DPEHPK3PXP',
      },
    };
    expect(() => assertNoSecrets(setup)).toThrow(SecretLeakError);
    const allowedPaths = ['$.totpSetup.secret', '$.totpSetup.otpauthUri'];
    expect(() => assertNoSecrets(setup, '$', { allowedPaths })).not.toThrow();
    expect(() => assertNoSecrets({ ...setup, other: { secret: 'x' } }, '$', { allowedPaths })).toThrow(
      /\$\.other\.secret/,
    );
  });

  it('does not loop on cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(() => assertNoSecrets(a)).not.toThrow();
  });
});
