import { describe, expect, it } from 'vitest';
import { sessionErrorFrom } from '../../../src/main/core/session/cognito-error-message.js';
import {
  saysPasswordIsWrong,
  signInFormProblem,
} from '../../../src/renderer/src/screens/sign-in/sign-in-form-check.js';

function cognitoError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe('signInFormProblem', () => {
  it('asks for the username first, then the password', () => {
    expect(signInFormProblem('  ', '')).toEqual({ field: 'username', message: 'Enter your username.' });
    expect(signInFormProblem('installer', '')).toEqual({
      field: 'password',
      message: 'Enter your password.',
    });
    expect(signInFormProblem('installer', ' ')).toBeNull();
  });
});

describe('saysPasswordIsWrong, against the words main really uses', () => {
  it('recognises a wrong password and too many wrong passwords', () => {
    const wrong = sessionErrorFrom(
      cognitoError('NotAuthorizedException', 'Incorrect username or password.'),
      'sign-in',
    );
    const tooMany = sessionErrorFrom(
      cognitoError('NotAuthorizedException', 'Password attempts exceeded'),
      'sign-in',
    );
    expect(saysPasswordIsWrong(wrong.message)).toBe(true);
    expect(saysPasswordIsWrong(tooMany.message)).toBe(true);
  });

  it('keeps the password for failures that are not about it', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    });
    const network = sessionErrorFrom(
      Object.assign(new Error('Network error'), { name: 'NetworkError', underlyingError: refused }),
      'sign-in',
    );
    const newPassword = sessionErrorFrom(
      cognitoError('PasswordResetRequiredException', 'Password reset required'),
      'sign-in',
    );
    const disabled = sessionErrorFrom(cognitoError('NotAuthorizedException', 'User is disabled.'), 'sign-in');
    for (const error of [network, newPassword, disabled]) {
      expect(saysPasswordIsWrong(error.message), error.message).toBe(false);
    }
  });
});
