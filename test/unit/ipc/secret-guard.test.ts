import { describe, expect, it } from 'vitest';
import { assertNoSecrets, SecretLeakError } from '../../../src/main/core/ipc/secret-guard.js';

describe('assertNoSecrets', () => {
  it('lets view models through', () => {
    expect(() =>
      assertNoSecrets({
        devices: [{ path: '/dev/ttyUSB0', serialNumber: 'SN-0001' }],
        fingerprint: 'ab:cd:ef',
        certificateId: 'a'.repeat(64),
      }),
    ).not.toThrow();
  });

  it.each([
    ['a PEM certificate', { note: '-----BEGIN CERTIFICATE-----\nMIIB' }],
    ['a PEM key deep in an array', { list: [{ text: ['x', '-----BEGIN EC PRIVATE KEY-----'] }] }],
    ['a JWT', { token: 'eyJraWQiOiJhYmMiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.sig-nature_value' }],
    ['an AWS access key id', { who: 'ASIAABCDEFGHIJKLMNOP' }],
    ['a field named privateKey', { privateKey: 'anything' }],
    ['a field named SessionToken', { Credentials: { SessionToken: 'x' } }],
  ])('refuses %s', (_name, value) => {
    expect(() => assertNoSecrets(value)).toThrow(SecretLeakError);
  });

  it('names where the secret was, but not the secret', () => {
    try {
      assertNoSecrets({ a: { b: '-----BEGIN PRIVATE KEY-----abc' } });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('$.a.b');
      expect((error as Error).message).not.toContain('abc');
    }
  });
});
