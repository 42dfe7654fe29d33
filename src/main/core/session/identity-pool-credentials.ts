import type { AmplifyAuth } from './amplify-auth.js';
import { describeCognitoError, sessionErrorFrom } from './cognito-error-message.js';
import { SessionError } from './session-error.js';
import { heldCredentials, type HeldCredentials } from './session-tokens.js';

export interface CredentialsOutcome {
  held?: HeldCredentials;
  /** The identity pool will not give this account credentials (no role); lasts until the next renewal. */
  refusal?: SessionError;
  /** For the operator, when there is something to say. */
  notice: string | null;
  /** For the log, when something went wrong. */
  problem?: string;
}

/**
 * Asks the identity pool for credentials for the current ID token and sorts the outcome: held,
 * refused (e.g. a Deny role mapping for someone outside the installers group), or a passing
 * failure (network) that the next call for credentials retries.
 */
export async function obtainCredentials(
  amplify: AmplifyAuth,
  drift: number,
  now: () => number,
): Promise<CredentialsOutcome> {
  try {
    const credentials = await amplify.credentials();
    if (!credentials) {
      return {
        refusal: new SessionError(
          'The identity pool gave this account no AWS credentials. Ask your AWS administrator to check the identity pool’s roles.',
        ),
        notice: null,
        problem: 'the identity pool returned none',
      };
    }
    return { held: heldCredentials(credentials, drift, now()), notice: null };
  } catch (error) {
    const failure = sessionErrorFrom(error, 'credentials');
    const problem = describeCognitoError(error);
    if (failure.awsErrorName === 'NetworkError') {
      return { notice: `AWS credentials could not be fetched yet: ${failure.message}`, problem };
    }
    return { refusal: failure, notice: failure.message, problem };
  }
}
