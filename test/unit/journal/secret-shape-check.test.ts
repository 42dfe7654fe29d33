import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  assertJsonHasNoSecretShapes,
  assertNoSecretShapes,
  isSecretKeyName,
  SecretShapeError,
} from '../../../src/main/core/journal/secret-shape-check.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const keyBody = keyPem.split('\n').slice(1, -2).join('');
const jwt = [
  Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k1' })).toString('base64url'),
  Buffer.from(JSON.stringify({ sub: 'operator', exp: 1 })).toString('base64url'),
  Buffer.from('signature-bytes-here').toString('base64url'),
].join('.');

describe('secret-shape check', () => {
  it('lets an ordinary snapshot through, including secret-named flags and numbers', () => {
    const snapshot = {
      state: 'verifying',
      serialNumber: 'SN-000123',
      thingName: 'station-1-SN-000123',
      certificateId: 'a1'.repeat(32),
      fingerprint: 'ab:cd:'.repeat(10),
      tokenExpiresAt: 1_767_225_600_000,
      hasPrivateKey: true,
      secret: null,
      password: '',
      mode: 'keys',
      note: 'device reported BEGIN of provisioning',
    };
    expect(() => assertNoSecretShapes(snapshot)).not.toThrow();
    expect(() => assertJsonHasNoSecretShapes(JSON.stringify(snapshot), 'snapshot')).not.toThrow();
  });

  it.each([
    ['a PEM private key', { claim: keyPem }],
    ['a PEM header alone', { text: 'x -----BEGIN CERTIFICATE' }],
    ['a PEM body whose header was cut', { der: keyBody }],
    ['DER as hex', { der: Buffer.from(keyBody, 'base64').toString('hex') }],
    ['a JWT', { header: `Bearer ${jwt}` }],
    ['an AWS access key id (ASIA)', { who: 'ASIA' + 'ABCDEFGHIJKLMNOP' }],
    ['an AWS access key id (AKIA) in an array', { list: ['x', ['AKIA' + 'Q2RSTUVWXYZ23456']] }],
    ['privateKey', { privateKey: 'abc' }],
    ['private_key', { device: { private_key: 'abc' } }],
    ['claimPrivateKey', { claimPrivateKey: 'abc' }],
    ['Secret-Access-Key', { 'Secret-Access-Key': 'abc' }],
    ['sessionToken holding an object', { sessionToken: { value: 'abc' } }],
    ['refresh_token', { refresh_token: 'abc' }],
    ['PASSWORD', { PASSWORD: 'hunter2' }],
    ['a secret in a key name', { [keyPem]: 1 }],
  ])('refuses %s', (_name, value) => {
    expect(() => assertNoSecretShapes(value)).toThrow(SecretShapeError);
    expect(() => assertJsonHasNoSecretShapes(JSON.stringify(value), 'payload')).toThrow(SecretShapeError);
  });

  it('sees through JSON escapes', () => {
    const escaped = '{"note":"\\u002d----BEGIN PRIVATE KEY-----"}';
    expect(escaped).not.toContain('-----BEGIN');
    expect(() => assertJsonHasNoSecretShapes(escaped, 'payload')).toThrow(SecretShapeError);
  });

  it('refuses text that is not JSON, since it cannot be checked', () => {
    expect(() => assertJsonHasNoSecretShapes('not json', 'payload')).toThrow(/not JSON/);
  });

  it('does not flag an AWS-key-shaped run inside a longer identifier', () => {
    expect(() => assertNoSecretShapes({ serial: 'XASIAABCDEFGHIJKLMNOP9' })).not.toThrow();
  });

  it('names where the secret was, but never the secret', () => {
    try {
      assertJsonHasNoSecretShapes(JSON.stringify({ a: { b: keyPem } }), 'snapshot');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SecretShapeError);
      const message = (error as Error).message;
      expect(message).toContain('snapshot.a.b');
      expect(message).not.toContain(keyBody.slice(0, 16));
    }
  });

  it('normalizes key names', () => {
    expect(
      ['privateKey', 'private_key', 'PRIVATE-KEY', 'x.private key', 'idToken', 'clientSecret'].every(
        isSecretKeyName,
      ),
    ).toBe(true);
    expect(['serialNumber', 'thingName', 'certificateId', 'fingerprint', 'keys'].some(isSecretKeyName)).toBe(
      false,
    );
  });
});
