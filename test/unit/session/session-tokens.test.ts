import type { AuthTokens } from 'aws-amplify/auth';
import { describe, expect, it } from 'vitest';
import {
  heldCredentials,
  identityFromIdToken,
  renewalLead,
  tokenTimes,
} from '../../../src/main/core/session/session-tokens.js';

function tokens(payload: {
  iat: number;
  exp: number;
  idExp?: number;
  id?: Record<string, unknown>;
}): AuthTokens {
  const jwt = (claims: Record<string, unknown>) => ({ payload: claims, toString: () => 'not-used' });
  return {
    accessToken: jwt({ iat: payload.iat, exp: payload.exp }),
    idToken: jwt({ iat: payload.iat, exp: payload.idExp ?? payload.exp, ...payload.id }),
  } as unknown as AuthTokens;
}

describe('session token times', () => {
  it('renews 5 minutes ahead for hour-long lifetimes, a quarter ahead for short ones', () => {
    expect(renewalLead(3_600_000)).toBe(300_000);
    expect(renewalLead(300_000)).toBe(75_000);
    expect(renewalLead(0)).toBe(1_000);
  });

  it('places expiry from the time the request began, never later than the token really expires', () => {
    const requestedAt = 1_000_000_000_500;
    // Issued 300 ms after the request began (server clock in sync), iat rounded down to the second.
    const times = tokenTimes(tokens({ iat: 1_000_000_000, exp: 1_000_003_600 }), requestedAt);
    expect(times.expiresAt).toBeLessThanOrEqual(1_000_003_600_000);
    expect(times.expiresAt).toBeGreaterThan(1_000_003_600_000 - 1_000);
    expect(times.lifetimeMs).toBe(3_599_000);
  });

  it('follows a server clock an hour ahead of ours', () => {
    const requestedAt = 1_000_000_000_000;
    const ahead = 1_000_003_600; // server seconds at issue
    const times = tokenTimes(tokens({ iat: ahead, exp: ahead + 300, idExp: ahead + 600 }), requestedAt);
    // First of the two tokens to expire, on our clock.
    expect(times.expiresAt).toBe(requestedAt + 299_000);
    expect(times.drift).toBe(3_600_000 + 1_000);
    const held = heldCredentials(
      { accessKeyId: 'AKIA', secretAccessKey: 's', expiration: new Date((ahead + 900) * 1000) },
      times.drift,
      requestedAt,
    );
    expect(held.expiresAt).toBe(requestedAt + 899_000);
  });

  it('reads the operator from the ID token, or nothing when a claim is missing', () => {
    const withClaims = tokens({
      iat: 1,
      exp: 2,
      id: { 'cognito:username': 'ines', sub: 'u-1', 'cognito:groups': ['installers', 7] },
    });
    expect(identityFromIdToken(withClaims)).toEqual({ username: 'ines', sub: 'u-1', groups: ['installers'] });
    expect(identityFromIdToken(tokens({ iat: 1, exp: 2, id: { sub: 'u-1' } }))).toBeUndefined();
    expect(
      identityFromIdToken(tokens({ iat: 1, exp: 2, id: { 'cognito:username': 'v', sub: 's' } }))?.groups,
    ).toEqual([]);
  });
});
