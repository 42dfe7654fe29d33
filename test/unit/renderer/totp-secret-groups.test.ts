import { describe, expect, it } from 'vitest';
import { totpSecretGroups } from '../../../src/renderer/src/screens/sign-in/totp-secret-groups.js';

describe('totpSecretGroups', () => {
  it('splits a Base32 secret into groups of four, the last one shorter', () => {
    expect(totpSecretGroups('SANDBOXMFAINSTALLERTOTPSECRETAAA')).toEqual([
      'SAND',
      'BOXM',
      'FAIN',
      'STAL',
      'LERT',
      'OTPS',
      'ECRE',
      'TAAA',
    ]);
    expect(totpSecretGroups('ABCDEF')).toEqual(['ABCD', 'EF']);
  });

  it('drops spaces already in the secret and upper-cases it, so regrouping is stable', () => {
    expect(totpSecretGroups('ab cd\nef gh i')).toEqual(['ABCD', 'EFGH', 'I']);
    expect(totpSecretGroups(totpSecretGroups('JBSWY3DPEHPK3PXP').join(' '))).toEqual([
      'JBSW',
      'Y3DP',
      'EHPK',
      '3PXP',
    ]);
  });

  it('gives nothing for an empty secret', () => {
    expect(totpSecretGroups('')).toEqual([]);
  });
});
