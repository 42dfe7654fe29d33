import { describe, expect, it } from 'vitest';
import {
  oneTimeCodeFrom,
  oneTimeCodeProblem,
} from '../../../src/renderer/src/screens/sign-in/one-time-code.js';

describe('oneTimeCodeFrom', () => {
  it('keeps the digits of a code typed or pasted with spaces or a dash', () => {
    expect(oneTimeCodeFrom('123 456')).toBe('123456');
    expect(oneTimeCodeFrom('123-456')).toBe('123456');
    expect(oneTimeCodeFrom(' 12a3 ')).toBe('123');
  });

  it('stops at six digits', () => {
    expect(oneTimeCodeFrom('1234567890')).toBe('123456');
  });
});

describe('oneTimeCodeProblem', () => {
  it('accepts exactly six digits and says how many are missing otherwise', () => {
    expect(oneTimeCodeProblem('123456')).toBeNull();
    expect(oneTimeCodeProblem('')).toBe('Enter the 6-digit code your authenticator app shows.');
    expect(oneTimeCodeProblem('1234')).toBe('The code has 6 digits; 4 typed so far.');
  });
});
