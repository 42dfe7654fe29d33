/**
 * The operators' user pool settings that decide who can get fleet credentials. amplify/auth
 * deploys them; the sandbox honours what it can, and test/integration/sandbox/seed-matches-backend
 * names, one by one, where it does not.
 */
export const userPoolPolicy = {
  /** Fleet credentials hang on a sign-in: every operator gives a second factor. */
  mfa: 'REQUIRED',
  /** The second factor is TOTP (an authenticator app); no SMS or email codes. */
  totp: true,
  /** Sign in with the username, or with the email address as an alias of it. */
  signInAliases: ['email'],
  /** Operators are created by an administrator only: no self sign-up with the app client id every station carries. */
  adminCreateUserOnly: true,
  /** No guest (unauthenticated) identities: every AWS credential belongs to a signed-in operator. */
  guestAccess: false,
} as const;

export type UserPoolPolicy = typeof userPoolPolicy;
