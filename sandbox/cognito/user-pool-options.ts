import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { ServedRequest } from './aws-json-protocol.js';
import { defaultPasswordPolicy, type PasswordPolicy } from './password-policy.js';

export const ALL_AUTH_FLOWS = ['USER_SRP_AUTH', 'USER_PASSWORD_AUTH', 'REFRESH_TOKEN_AUTH'] as const;
export type AuthFlow = (typeof ALL_AUTH_FLOWS)[number];
export type MfaConfiguration = 'OFF' | 'OPTIONAL' | 'ON';

export interface TokenLifetimes {
  idTokenSeconds: number;
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
}

export interface UserPoolClientOptions {
  clientId: string;
  /** Flows this app client allows; all three when omitted. */
  authFlows?: AuthFlow[];
  /** Per-client lifetimes, over the pool's. */
  tokenLifetimes?: Partial<TokenLifetimes>;
}

export interface CognitoUserPoolOptions {
  /** `{region}_{id}`, e.g. `eu-west-1_Sandbox01`; the region part also names the issuer. */
  userPoolId: string;
  clients: UserPoolClientOptions[];
  clock?: Clock;
  /** JSON state file (users, verifiers, groups, MFA secrets, refresh tokens, signing key); memory only without. */
  statePath?: string;
  passwordPolicy?: Partial<PasswordPolicy>;
  /** Pool MFA: OFF, OPTIONAL (users who enabled TOTP are challenged) or ON (everyone; set-up forced). */
  mfaConfiguration?: MfaConfiguration;
  tokenLifetimes?: Partial<TokenLifetimes>;
  /** How long a challenge Session stays usable; Cognito's default is 3 minutes. */
  authSessionValiditySeconds?: number;
  /** Receives unexpected internal failures (never secrets); console.error when omitted. */
  onInternalError?: (error: unknown) => void;
  /** Called after every HTTP request with operation, status, error name and duration (no payloads). */
  onRequest?: (served: ServedRequest) => void;
}

export const defaultTokenLifetimes: TokenLifetimes = {
  idTokenSeconds: 3600,
  accessTokenSeconds: 3600,
  refreshTokenSeconds: 30 * 24 * 3600,
};

const userPoolIdPattern = /^([a-z]{2}(?:-gov)?-[a-z]+-\d)_([0-9A-Za-z]+)$/;

/** The region encoded in a user pool id, or an error naming the expected shape. */
export function regionOfUserPoolId(userPoolId: string): string {
  const match = userPoolIdPattern.exec(userPoolId);
  if (!match?.[1]) {
    throw new Error(
      `User pool id "${userPoolId}" must look like "eu-west-1_AbC123" (region, underscore, letters/digits)`,
    );
  }
  return match[1];
}

const lifetimesSchema = z
  .object({
    // Cognito's allowed ranges: ID/access 5 min – 1 day, refresh 1 h – 10 years.
    idTokenSeconds: z.number().int().min(300).max(86_400),
    accessTokenSeconds: z.number().int().min(300).max(86_400),
    refreshTokenSeconds: z.number().int().min(3600).max(315_360_000),
  })
  .partial();

export const userPoolOptionsSchema = z.object({
  userPoolId: z.string(),
  clients: z
    .array(
      z.object({
        clientId: z.string().regex(/^[\w+]{1,128}$/, 'client ids are 1-128 word characters'),
        authFlows: z.array(z.enum(ALL_AUTH_FLOWS)).optional(),
        tokenLifetimes: lifetimesSchema.optional(),
      }),
    )
    .min(1, 'a user pool needs at least one app client'),
  statePath: z.string().optional(),
  passwordPolicy: z
    .object({
      minimumLength: z.number().int().min(6).max(99),
      requireUppercase: z.boolean(),
      requireLowercase: z.boolean(),
      requireNumbers: z.boolean(),
      requireSymbols: z.boolean(),
      temporaryPasswordValidityDays: z.number().int().min(0).max(365),
    })
    .partial()
    .optional(),
  mfaConfiguration: z.enum(['OFF', 'OPTIONAL', 'ON']).optional(),
  tokenLifetimes: lifetimesSchema.optional(),
  authSessionValiditySeconds: z.number().int().min(180).max(900).optional(),
});

/** An app client with its defaults filled in. */
export interface ResolvedClient {
  clientId: string;
  authFlows: Set<AuthFlow>;
  lifetimes: TokenLifetimes;
}

export interface ResolvedUserPoolOptions {
  userPoolId: string;
  region: string;
  /** The part after the underscore; SRP mixes it into the password hash. */
  poolName: string;
  clients: Map<string, ResolvedClient>;
  passwordPolicy: PasswordPolicy;
  mfaConfiguration: MfaConfiguration;
  authSessionValidityMs: number;
}

/** Validates the options and fills in Cognito's defaults; throws with the first thing wrong. */
export function resolveUserPoolOptions(options: CognitoUserPoolOptions): ResolvedUserPoolOptions {
  const parsed = userPoolOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid user pool options at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`);
  }
  const region = regionOfUserPoolId(options.userPoolId);
  const poolLifetimes = { ...defaultTokenLifetimes, ...parsed.data.tokenLifetimes };
  const clients = new Map<string, ResolvedClient>();
  for (const client of parsed.data.clients) {
    if (clients.has(client.clientId)) throw new Error(`App client ${client.clientId} is listed twice`);
    clients.set(client.clientId, {
      clientId: client.clientId,
      authFlows: new Set<AuthFlow>(client.authFlows ?? ALL_AUTH_FLOWS),
      lifetimes: { ...poolLifetimes, ...client.tokenLifetimes },
    });
  }
  return {
    userPoolId: options.userPoolId,
    region,
    poolName: options.userPoolId.split('_')[1] ?? '',
    clients,
    passwordPolicy: { ...defaultPasswordPolicy, ...parsed.data.passwordPolicy },
    mfaConfiguration: parsed.data.mfaConfiguration ?? 'OPTIONAL',
    authSessionValidityMs: (parsed.data.authSessionValiditySeconds ?? 180) * 1000,
  };
}
