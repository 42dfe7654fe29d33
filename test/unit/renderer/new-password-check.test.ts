import { describe, expect, it } from 'vitest';
import {
  newPasswordCheck,
  newPasswordProblem,
} from '../../../src/renderer/src/screens/sign-in/new-password-check.js';

describe('newPasswordCheck (as the operator types the confirmation)', () => {
  it('says nothing before the confirmation is started', () => {
    expect(newPasswordCheck('Secret-1!', '')).toEqual({ state: 'empty', message: null });
  });

  it('is only "typing" while the confirmation is the start of the new password', () => {
    expect(newPasswordCheck('Secret-1!', 'Sec').state).toBe('typing');
    expect(newPasswordCheck('Secret-1!', 'Secret-1').state).toBe('typing');
  });

  it('says mismatch as soon as a character differs, or the confirmation is longer', () => {
    expect(newPasswordCheck('Secret-1!', 'Sex').state).toBe('mismatch');
    expect(newPasswordCheck('Secret-1!', 'Secret-1!!').state).toBe('mismatch');
    expect(newPasswordCheck('Secret-1!', 'secret-1!').state).toBe('mismatch');
    expect(newPasswordCheck('', 'a').state).toBe('mismatch');
  });

  it('says match only for the same text, spaces included', () => {
    expect(newPasswordCheck('Secret-1!', 'Secret-1!')).toEqual({
      state: 'match',
      message: 'The two passwords match.',
    });
    expect(newPasswordCheck(' Secret-1!', 'Secret-1!').state).toBe('mismatch');
  });
});

describe('newPasswordProblem (on submit)', () => {
  it('asks for the new password first, then the confirmation, then equality', () => {
    expect(newPasswordProblem('', '')?.field).toBe('new-password');
    expect(newPasswordProblem('Secret-1!', '')?.field).toBe('confirm-password');
    expect(newPasswordProblem('Secret-1!', 'Secret-2!')).toEqual({
      field: 'confirm-password',
      message: expect.stringContaining('do not match'),
    });
    expect(newPasswordProblem('Secret-1!', 'Secret-1!')).toBeNull();
  });
});
