import { SessionError } from './session-error.js';

/** What the station was doing when Cognito (through Amplify) failed; it shapes the sentence. */
export type SessionActivity =
  'sign-in' | 'new-password' | 'totp-setup' | 'totp-code' | 'refresh' | 'credentials' | 'sign-out';

interface ErrorFacts {
  name: string;
  message: string;
  /** `ECONNREFUSED`, `ENOTFOUND`, … from the failed fetch under Amplify's NetworkError. */
  networkCode: string | undefined;
}

const ENTER_CODE = 'Enter the current 6-digit code from your authenticator app.';

/** Turns whatever Amplify threw into a SessionError an operator can act on. */
export function sessionErrorFrom(error: unknown, activity: SessionActivity): SessionError {
  const facts = factsOf(error);
  const sentence = plainSentence(facts, activity);
  return new SessionError(`${sentence} (${quoted(facts)})`, facts.name);
}

/** `Cognito: Name: message`, token-like text removed, for a log line or a notice. */
export function describeCognitoError(error: unknown): string {
  return quoted(factsOf(error));
}

function quoted(facts: ErrorFacts): string {
  const code = facts.networkCode ? ` [${facts.networkCode}]` : '';
  return `Cognito: ${facts.name}: ${withoutTokenText(facts.message)}${code}`;
}

function plainSentence(facts: ErrorFacts, activity: SessionActivity): string {
  const { name, message } = facts;
  if (name === 'NetworkError' || facts.networkCode !== undefined) {
    return facts.networkCode === 'ECONNREFUSED'
      ? 'Cognito refused the connection: the sign-in service is not running at the address in the station profile (for the sandbox: restart the station, or start `npm run sandbox` when you gave its profile). Then try again.'
      : 'Cognito cannot be reached: check this computer’s network connection, then try again.';
  }
  switch (name) {
    case 'NotAuthorizedException':
    case 'UserNotFoundException':
      if (activity === 'credentials' && /role/i.test(message))
        return 'The identity pool gives this account no AWS role, so it cannot provision. Ask your AWS administrator to add it to the installers group.';
      if (/password attempts exceeded/i.test(message))
        return 'Too many wrong passwords for this account. Wait a few minutes, then try again.';
      if (/disabled/i.test(message))
        return 'This account is disabled. Ask your AWS administrator to enable it.';
      if (/temporary password has expired/i.test(message))
        return 'The temporary password has expired. Ask your AWS administrator to send a new one.';
      if (/session/i.test(message) && activity !== 'sign-in')
        return 'The sign-in took too long and has expired. Start again with your username and password.';
      if (/revoked|expired/i.test(message) || activity === 'refresh' || activity === 'credentials')
        return 'Your session has ended. Sign in again.';
      return 'The username or password is wrong. Check both (the password is case-sensitive) and try again.';
    case 'PasswordResetRequiredException':
      return 'This account needs a new password before it can sign in. Ask your AWS administrator to reset it, then sign in with the temporary password you receive.';
    case 'UserNotConfirmedException':
      return 'This account is not confirmed yet. Ask your AWS administrator to confirm it.';
    case 'InvalidPasswordException':
      return 'The new password does not meet the password policy of this user pool. Choose a longer or more varied password.';
    case 'CodeMismatchException':
    case 'EnableSoftwareTokenMFAException':
      return `That code is wrong. ${ENTER_CODE}`;
    case 'ExpiredCodeException':
      return `That code has expired. ${ENTER_CODE}`;
    case 'SoftwareTokenMFANotFoundException':
      return 'No authenticator app is set up for this account. Ask your AWS administrator to reset its MFA.';
    case 'TooManyRequestsException':
    case 'LimitExceededException':
    case 'TooManyFailedAttemptsException':
      return 'Cognito is refusing further attempts for now. Wait a minute, then try again.';
    case 'ResourceNotFoundException':
      return 'The user pool or app client in the station profile does not exist. Check the profile’s Cognito ids.';
    case 'InvalidIdentityPoolConfigurationException':
      return 'The identity pool cannot give this account AWS credentials (its roles are misconfigured). Ask your AWS administrator.';
    case 'SignInException':
      return 'The sign-in has to start again: enter your username and password.';
    case 'UserAlreadyAuthenticatedException':
      return 'Someone is already signed in on this station. Sign out first.';
    default:
      switch (activity) {
        case 'refresh':
          return 'The session could not be renewed. Sign in again if this persists.';
        case 'credentials':
          return 'AWS credentials could not be obtained for this account.';
        case 'sign-out':
          return 'Cognito could not end the session.';
        default:
          return 'Cognito refused the sign-in.';
      }
  }
}

function factsOf(error: unknown): ErrorFacts {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), networkCode: undefined };
  const underlying = (error as { underlyingError?: unknown }).underlyingError;
  return {
    name: error.name,
    message: error.message,
    networkCode: errnoCode(underlying) ?? errnoCode(error),
  };
}

/** The errno code of a fetch failure: `TypeError('fetch failed', { cause: { code } })`, or the error itself. */
function errnoCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const own = (error as NodeJS.ErrnoException).code;
  if (typeof own === 'string' && /^E[A-Z]+$/.test(own)) return own;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
    const inner = (cause as { errors?: unknown[] }).errors?.[0];
    if (inner instanceof Error && typeof (inner as NodeJS.ErrnoException).code === 'string')
      return (inner as NodeJS.ErrnoException).code;
  }
  return undefined;
}

/** Cognito messages never hold tokens; this keeps it so if one ever echoes a JWT or a long opaque value. */
export function withoutTokenText(text: string): string {
  return text
    .replace(/eyJ[\w-]*\.[\w-]*\.?[\w-]*/g, '[token]')
    .replace(/[A-Za-z0-9+/_=-]{40,}/g, '[redacted]');
}
