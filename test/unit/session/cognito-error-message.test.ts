import { describe, expect, it } from 'vitest';
import {
  describeCognitoError,
  sessionErrorFrom,
  withoutTokenText,
} from '../../../src/main/core/session/cognito-error-message.js';
import { SessionError } from '../../../src/main/core/session/session-error.js';
import { StationError } from '../../../src/main/core/station-error.js';

function cognitoError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/** What Amplify throws when fetch fails: AmplifyError NetworkError over TypeError('fetch failed'). */
function networkError(code: string): Error {
  const cause = Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code });
  return Object.assign(new Error('A network error has occurred.'), {
    name: 'NetworkError',
    underlyingError: new TypeError('fetch failed', { cause }),
  });
}

describe('sessionErrorFrom', () => {
  it('is a StationError carrying the Cognito name, with the Cognito message quoted', () => {
    const error = sessionErrorFrom(
      cognitoError('NotAuthorizedException', 'Incorrect username or password.'),
      'sign-in',
    );
    expect(error).toBeInstanceOf(StationError);
    expect(error).toBeInstanceOf(SessionError);
    expect(error.awsErrorName).toBe('NotAuthorizedException');
    expect(error.message).toBe(
      'The username or password is wrong. Check both (the password is case-sensitive) and try again. (Cognito: NotAuthorizedException: Incorrect username or password.)',
    );
  });

  it.each([
    [
      'sign-in',
      cognitoError('NotAuthorizedException', 'Password attempts exceeded'),
      /^Too many wrong passwords/,
    ],
    ['sign-in', cognitoError('NotAuthorizedException', 'User is disabled.'), /^This account is disabled/],
    [
      'sign-in',
      cognitoError('PasswordResetRequiredException', 'Password reset required for the user'),
      /^This account needs a new password before it can sign in/,
    ],
    [
      'totp-code',
      cognitoError('NotAuthorizedException', 'Invalid session for the user, session is expired.'),
      /^The sign-in took too long and has expired/,
    ],
    [
      'totp-code',
      cognitoError('CodeMismatchException', 'Invalid code received for user'),
      /^That code is wrong\./,
    ],
    ['totp-setup', cognitoError('EnableSoftwareTokenMFAException', 'Code mismatch'), /^That code is wrong\./],
    [
      'totp-code',
      cognitoError('ExpiredCodeException', 'Invalid code provided, please request a code again.'),
      /^That code has expired\./,
    ],
    [
      'new-password',
      cognitoError(
        'InvalidPasswordException',
        'Password does not conform to policy: Password not long enough',
      ),
      /^The new password does not meet the password policy.*Password not long enough\)$/,
    ],
    [
      'refresh',
      cognitoError('NotAuthorizedException', 'Refresh Token has been revoked'),
      /^Your session has ended\. Sign in again\./,
    ],
    [
      'credentials',
      cognitoError('NotAuthorizedException', 'The ambiguous role mapping rules denied this request.'),
      /^The identity pool gives this account no AWS role/,
    ],
    [
      'sign-in',
      cognitoError('TooManyRequestsException', 'Rate exceeded'),
      /^Cognito is refusing further attempts for now/,
    ],
    [
      'sign-in',
      cognitoError('ResourceNotFoundException', 'User pool client abc does not exist.'),
      /^The user pool or app client in the station profile does not exist/,
    ],
    [
      'sign-in',
      cognitoError('SomethingNewException', 'New.'),
      /^Cognito refused the sign-in\. \(Cognito: SomethingNewException: New\.\)$/,
    ],
  ] as const)('%s: %s', (activity, error, sentence) => {
    expect(sessionErrorFrom(error, activity).message).toMatch(sentence);
  });

  it('tells a refused connection (service not running) from a network that is down', () => {
    const refused = sessionErrorFrom(networkError('ECONNREFUSED'), 'sign-in');
    expect(refused.awsErrorName).toBe('NetworkError');
    expect(refused.message).toMatch(
      /^Cognito refused the connection: the sign-in service is not running.*npm run sandbox/,
    );
    expect(refused.message).toMatch(
      /\(Cognito: NetworkError: A network error has occurred\. \[ECONNREFUSED\]\)$/,
    );
    const down = sessionErrorFrom(networkError('ENOTFOUND'), 'sign-in');
    expect(down.message).toMatch(/^Cognito cannot be reached: check this computer’s network connection/);
  });

  it('never passes token-like text through', () => {
    const jwt = 'eyJraWQiOiJhYmMiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const error = sessionErrorFrom(cognitoError('NotAuthorizedException', `Invalid token ${jwt}`), 'refresh');
    expect(error.message).not.toContain('eyJ');
    expect(describeCognitoError(cognitoError('X', `token ${'A'.repeat(64)}`))).toBe(
      'Cognito: X: token [redacted]',
    );
    expect(withoutTokenText('short words stay')).toBe('short words stay');
  });
});
