import { describeCognitoError } from './cognito-error-message.js';

/**
 * Ends a session at Cognito. Amplify's `signOut` swallows the outcome of its revocation call, so
 * the station makes the call itself (both operations are unsigned AWS JSON 1.1 requests) and can
 * tell the operator when the session could not be ended there.
 *
 * - `RevokeToken` revokes this station's refresh token and every access token issued from it;
 *   the operator's sessions on other stations keep running (a batch there does not stall).
 * - `GlobalSignOut` revokes all of the user's refresh tokens, on every station.
 */
export interface RevocationTarget {
  /** The user pool endpoint: the profile's, or `https://cognito-idp.{region}.amazonaws.com/`. */
  endpoint: string;
  clientId: string;
}

export type RevocationOutcome = { ok: true } | { ok: false; reason: string; awsErrorName?: string };

/** The token items of the session being ended (Amplify's storage). */
export interface SessionTokenItems {
  find(suffix: 'refreshToken' | 'accessToken'): string | undefined;
}

/** Ends the session held in `items`: this station's refresh token, or with `everywhere` all of them. */
export function endSessionAtCognito(
  target: RevocationTarget,
  items: SessionTokenItems,
  everywhere: boolean,
): Promise<RevocationOutcome> {
  if (everywhere) {
    const accessToken = items.find('accessToken');
    return accessToken
      ? signOutEverywhere(target, accessToken)
      : Promise.resolve({ ok: false, reason: 'no access token to sign out with' });
  }
  const refreshToken = items.find('refreshToken');
  return refreshToken
    ? revokeRefreshToken(target, refreshToken)
    : Promise.resolve({ ok: false, reason: 'no refresh token to revoke' });
}

const TIMEOUT_MS = 10_000;

export function revokeRefreshToken(
  target: RevocationTarget,
  refreshToken: string,
): Promise<RevocationOutcome> {
  return callUserPool(target.endpoint, 'RevokeToken', { ClientId: target.clientId, Token: refreshToken });
}

export function signOutEverywhere(target: RevocationTarget, accessToken: string): Promise<RevocationOutcome> {
  return callUserPool(target.endpoint, 'GlobalSignOut', { AccessToken: accessToken });
}

async function callUserPool(
  endpoint: string,
  operation: string,
  body: Record<string, string>,
): Promise<RevocationOutcome> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const network = Object.assign(new Error('A network error has occurred.'), {
      name: 'NetworkError',
      underlyingError: error,
    });
    return { ok: false, reason: describeCognitoError(network), awsErrorName: 'NetworkError' };
  }
  const text = await response.text().catch(() => '');
  if (response.ok) return { ok: true };
  const { name, message } = awsJsonError(text, response.status);
  return {
    ok: false,
    reason: describeCognitoError(Object.assign(new Error(message), { name })),
    awsErrorName: name,
  };
}

/** `{"__type":"com.amazonaws…#NotAuthorizedException","message":"…"}` → name and message. */
function awsJsonError(text: string, status: number): { name: string; message: string } {
  try {
    const parsed = JSON.parse(text) as { __type?: unknown; message?: unknown; Message?: unknown };
    const type = typeof parsed.__type === 'string' ? parsed.__type : '';
    const name = type.slice(type.lastIndexOf('#') + 1).split(':')[0] || `HTTP${status}`;
    const message =
      typeof parsed.message === 'string'
        ? parsed.message
        : typeof parsed.Message === 'string'
          ? parsed.Message
          : '';
    return { name, message };
  } catch {
    return { name: `HTTP${status}`, message: '' };
  }
}
