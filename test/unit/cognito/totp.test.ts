import { describe, expect, it } from 'vitest';
import {
  base32Decode,
  base32Encode,
  createTotpSecret,
  matchTotpStep,
  totpCode,
  totpCodeForStep,
} from '../../../sandbox/cognito/totp.js';

const rfcSecret = Buffer.from('12345678901234567890', 'ascii');

describe('TOTP (RFC 6238, SHA-1)', () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('matches the RFC test vector at T=%i', (seconds, eightDigits) => {
    const step = Math.floor(seconds / 30);
    expect(totpCodeForStep(rfcSecret, step, 8)).toBe(eightDigits);
    expect(totpCodeForStep(rfcSecret, step)).toBe(eightDigits.slice(2));
  });

  it('accepts one step of drift either side and nothing beyond', () => {
    const secret = base32Encode(rfcSecret);
    const now = 1_111_111_111_000;
    const step = Math.floor(now / 30_000);
    expect(matchTotpStep(secret, totpCode(secret, now), now)).toBe(step);
    expect(matchTotpStep(secret, totpCode(secret, now - 30_000), now)).toBe(step - 1);
    expect(matchTotpStep(secret, totpCode(secret, now + 30_000), now)).toBe(step + 1);
    const twoBack = totpCode(secret, now - 60_000);
    const window = [-30_000, 0, 30_000].map((offset) => totpCode(secret, now + offset));
    if (!window.includes(twoBack)) expect(matchTotpStep(secret, twoBack, now)).toBeUndefined();
    expect(matchTotpStep(secret, '12345', now)).toBeUndefined();
    expect(matchTotpStep(secret, 'abcdef', now)).toBeUndefined();
  });
});

describe('base32', () => {
  it('matches RFC 4648 vectors (unpadded)', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Encode(Buffer.from('f'))).toBe('MY');
    expect(base32Decode('MZXW6YTBOI======')?.toString()).toBe('foobar');
    expect(base32Decode('mzxw 6ytb oi')?.toString()).toBe('foobar');
    expect(base32Decode('MZXW1')).toBeUndefined();
  });

  it('creates 160-bit secrets as 32 base32 characters', () => {
    const secret = createTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(createTotpSecret()).not.toBe(secret);
  });
});
