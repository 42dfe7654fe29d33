import { describe, expect, it } from 'vitest';
import { defaultPasswordPolicy, passwordPolicyViolation } from '../../../sandbox/cognito/password-policy.js';

const prefix = 'Password does not conform to policy: ';

describe('passwordPolicyViolation (Cognito default policy)', () => {
  it.each([
    ['Sh0rt!a', 'Password not long enough'],
    ['UPPERCASE#123', 'Password must have lowercase characters'],
    ['lowercase#123', 'Password must have uppercase characters'],
    ['NoDigits#here', 'Password must have numeric characters'],
    ['NoSymbols1234', 'Password must have symbol characters'],
  ])('refuses %s', (password, reason) => {
    expect(passwordPolicyViolation(password, defaultPasswordPolicy)).toBe(prefix + reason);
  });

  it('accepts a password meeting every rule, whichever listed symbol it uses', () => {
    expect(passwordPolicyViolation('Installer#2026', defaultPasswordPolicy)).toBeUndefined();
    expect(passwordPolicyViolation('Installer^2026', defaultPasswordPolicy)).toBeUndefined();
  });

  it('follows a relaxed policy', () => {
    const relaxed = {
      ...defaultPasswordPolicy,
      requireSymbols: false,
      requireUppercase: false,
      minimumLength: 6,
    };
    expect(passwordPolicyViolation('bench1', relaxed)).toBeUndefined();
  });
});
