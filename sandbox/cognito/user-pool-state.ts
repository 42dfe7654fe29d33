import { z } from 'zod';
import { storedSigningKeySchema } from './signing-keys.js';

/** Everything a user pool persists. Validated on load: the file is input like any other. */

const verifierSchema = z.object({
  saltHex: z.string().regex(/^[0-9a-f]+$/),
  verifierHex: z.string().regex(/^[0-9a-f]+$/),
});

const totpSchema = z.object({
  /** Base32 shared secret. */
  secret: z.string().min(16),
  /** VerifySoftwareToken succeeded (or seeded). */
  verified: z.boolean(),
  /** SetUserMFAPreference Enabled. */
  enabled: z.boolean(),
  preferred: z.boolean(),
  /** The last time step whose code was accepted; a code is good once. */
  lastUsedStep: z.number().int().optional(),
});

export const storedUserSchema = z.object({
  username: z.string(),
  sub: z.uuid(),
  status: z.enum(['CONFIRMED', 'FORCE_CHANGE_PASSWORD']),
  enabled: z.boolean(),
  attributes: z.record(z.string(), z.string()),
  password: verifierSchema,
  /** Only for FORCE_CHANGE_PASSWORD: when the temporary password stops working (ms). */
  temporaryPasswordExpiresAt: z.number().optional(),
  groups: z.array(z.string()),
  totp: totpSchema.optional(),
  /** Secret from AssociateSoftwareToken not yet verified. */
  pendingTotpSecret: z.string().optional(),
  failedSignIns: z.number().int().min(0),
  lockedUntil: z.number().optional(),
  createdAt: z.number(),
});
export type StoredUser = z.infer<typeof storedUserSchema>;

export const storedGroupSchema = z.object({
  groupName: z.string(),
  precedence: z.number().int().min(0).optional(),
  roleArn: z.string().optional(),
  description: z.string().optional(),
});

/** One sign-in's refresh token family; access tokens carry its id as `origin_jti`. */
export const refreshFamilySchema = z.object({
  originJti: z.uuid(),
  /** SHA-256 of the refresh token; the token itself is never stored. */
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  usernameKey: z.string(),
  clientId: z.string(),
  authTime: z.number(),
  expiresAt: z.number(),
  revoked: z.boolean(),
});
export type RefreshFamily = z.infer<typeof refreshFamilySchema>;

export const userPoolStateSchema = z.object({
  version: z.literal(1),
  userPoolId: z.string(),
  signingKey: storedSigningKeySchema.optional(),
  /** Keyed by lower-cased username: sign-in names are case-insensitive, as in new Cognito pools. */
  users: z.record(z.string(), storedUserSchema),
  groups: z.record(z.string(), storedGroupSchema),
  refreshFamilies: z.record(z.string(), refreshFamilySchema),
});
export type UserPoolState = z.infer<typeof userPoolStateSchema>;

export function emptyUserPoolState(userPoolId: string): UserPoolState {
  return { version: 1, userPoolId, users: {}, groups: {}, refreshFamilies: {} };
}
