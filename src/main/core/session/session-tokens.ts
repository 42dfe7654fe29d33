import type { AuthTokens } from 'aws-amplify/auth';
import type { AmplifyCredentials } from './amplify-auth.js';
import type { OperatorIdentity } from './operator-identity.js';

/**
 * Expiry arithmetic for the session, on the injected clock. Cognito stamps tokens and credentials
 * with its own time. A token lives `exp - iat` from its issue, and its issue came after the request
 * for it began (`requestedAt`, local): so it expires locally no later than `requestedAt + exp - iat`,
 * whatever the two clocks say — a slow answer or a clock jump mid-request only makes renewal early.
 * The same offset (`drift`, server minus local, never less than the true one) places credential
 * expiry: early, never late.
 *
 * Amplify, by contrast, compares token expiry against `Date.now() + clockDrift` (drift measured
 * when the answer arrived) and keeps identity-pool credentials for a fixed 50 minutes of
 * `Date.now()` whatever their `Expiration` says — so the session decides when to renew, not Amplify.
 */

/** Renew this long before something expires: 5 minutes (the AWS SDK's own window), less for short lifetimes. */
export function renewalLead(lifetimeMs: number): number {
  return Math.min(5 * 60_000, Math.max(1_000, Math.floor(lifetimeMs / 4)));
}

export interface TokenTimes {
  /** Server time minus local time, ms, rounded up (see above). */
  drift: number;
  /** Local time at which the first of the ID and access tokens expires. */
  expiresAt: number;
  lifetimeMs: number;
}

export function tokenTimes(tokens: AuthTokens, requestedAt: number): TokenTimes {
  // `iat` is whole seconds, rounded down: up to a second more is assumed so nothing is judged late.
  const issuedAt = secondsClaim(tokens.accessToken.payload.iat) * 1000;
  const drift = issuedAt > 0 ? issuedAt + 1000 - requestedAt : 0;
  const expiries = [tokens.accessToken.payload.exp, tokens.idToken?.payload.exp]
    .map(secondsClaim)
    .filter((seconds) => seconds > 0)
    .map((seconds) => seconds * 1000);
  const serverExpiry = expiries.length > 0 ? Math.min(...expiries) : issuedAt;
  return {
    drift,
    expiresAt: serverExpiry - drift,
    lifetimeMs: Math.max(0, serverExpiry - (issuedAt > 0 ? issuedAt + 1000 : requestedAt)),
  };
}

/** IAM credentials from the identity pool, with their expiry on the local clock. */
export interface HeldCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | undefined;
  expiresAt: number;
  lifetimeMs: number;
}

export function heldCredentials(
  credentials: AmplifyCredentials,
  drift: number,
  localNow: number,
): HeldCredentials {
  // Without an Expiration Cognito would be breaking its contract; treat such credentials as one hour.
  const expiresAt =
    credentials.expiration instanceof Date ? credentials.expiration.getTime() - drift : localNow + 3_600_000;
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    expiresAt,
    lifetimeMs: Math.max(0, expiresAt - localNow),
  };
}

/** Credentials this close to expiry are not handed out any more. */
export const CREDENTIALS_SAFETY_MS = 10_000;

export function isUsable(held: HeldCredentials | undefined, now: number): held is HeldCredentials {
  return held !== undefined && now < held.expiresAt - CREDENTIALS_SAFETY_MS;
}

/** When the credentials should be renewed; never, when there are none (a standing refusal). */
export function credentialsDueAt(held: HeldCredentials | undefined): number {
  return held ? held.expiresAt - renewalLead(held.lifetimeMs) : Number.POSITIVE_INFINITY;
}

/** When the next renewal is due: ahead of the tokens or the credentials, whichever comes first. */
export function renewalDueAt(tokens: TokenTimes, held: HeldCredentials | undefined): number {
  return Math.min(tokens.expiresAt - renewalLead(tokens.lifetimeMs), credentialsDueAt(held));
}

/** Username (as the pool spells it), `sub` and groups from the ID token; undefined when a claim is missing. */
export function identityFromIdToken(tokens: AuthTokens): OperatorIdentity | undefined {
  const payload = tokens.idToken?.payload;
  if (!payload) return undefined;
  const username = payload['cognito:username'];
  const sub = payload.sub;
  const groups = payload['cognito:groups'];
  if (typeof username !== 'string' || typeof sub !== 'string') return undefined;
  return {
    username,
    sub,
    groups: Array.isArray(groups) ? groups.filter((group): group is string => typeof group === 'string') : [],
  };
}

function secondsClaim(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
