import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createLocalJWKSet,
  decodeJwt,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import { z } from 'zod';
import { systemClock, type Clock } from '../clock.js';
import type { TemporaryCredentialStore } from '../iam/temporary-credential-store.js';
import { JsonStateFile } from '../state-file.js';
import {
  AwsServiceError,
  invalidParameter,
  notAuthorized,
  parseInput,
  resourceNotFound,
  serveJsonOperation,
  targetOperation,
  type ServedRequest,
  type ServiceHooks,
} from './aws-json-protocol.js';
import { resolveRole, roleMappingSchema, type RoleMapping } from './role-mapping.js';

export const IDENTITY_POOL_TARGET_PREFIX = 'AWSCognitoIdentityService';

/** What the identity pool needs from a user pool to check its ID tokens. */
export interface IdTokenIssuer {
  /** `https://cognito-idp.{region}.amazonaws.com/{userPoolId}` */
  readonly issuer: string;
  /** The issuer without scheme: the Logins key clients send. */
  readonly providerName: string;
  jwks(): JSONWebKeySet;
}

export interface IdentityPoolProvider {
  userPool: IdTokenIssuer;
  /** App clients whose ID tokens are accepted (`aud`). */
  clientIds: string[];
}

export interface CognitoIdentityPoolOptions {
  /** `{region}:{uuid}`, e.g. `eu-west-1:2f0c1a52-6b0e-4c2e-9a55-0d6b7f1e8c11`. */
  identityPoolId: string;
  providers: IdentityPoolProvider[];
  /** Role for authenticated identities when no mapping decides (or the mapping falls back to it). */
  authenticatedRoleArn?: string;
  /** Keyed `cognito-idp.{region}.amazonaws.com/{userPoolId}:{clientId}`. */
  roleMappings?: Record<string, RoleMapping>;
  credentialStore: TemporaryCredentialStore;
  /** Lifetime of issued credentials, 900–3600 s; 3600 by default, as Cognito's one hour. */
  credentialLifetimeSeconds?: number;
  clock?: Clock;
  /** JSON file keeping identity ids stable across restarts; memory only without. */
  statePath?: string;
  onInternalError?: (error: unknown) => void;
  /** Called after every HTTP request with operation, status, error name and duration (no payloads). */
  onRequest?: (served: ServedRequest) => void;
}

const identityPoolIdPattern = /^([a-z]{2}(?:-gov)?-[a-z]+-\d):[0-9a-f-]+$/;
const identityIdPattern = /^[\w-]+:[0-9a-f-]+$/;

const loginsSchema = z.record(z.string().min(1).max(128), z.string().min(1).max(50_000)).optional();
const getIdRequest = z.object({
  IdentityPoolId: z.string().min(1).max(55),
  AccountId: z.string().optional(),
  Logins: loginsSchema,
});
const getCredentialsRequest = z.object({
  IdentityId: z.string().min(1).max(55),
  Logins: loginsSchema,
  CustomRoleArn: z.string().min(20).max(2048).optional(),
});

const identityStateSchema = z.object({
  version: z.literal(1),
  identityPoolId: z.string(),
  /** identityId → linked logins (provider name → user `sub`). */
  identities: z.record(
    z.string(),
    z.object({ logins: z.record(z.string(), z.string()), createdAt: z.number() }),
  ),
});
type IdentityState = z.infer<typeof identityStateSchema>;

const MISMATCHED_LOGINS =
  "Logins don't match. Please include at least one valid login for this identity or identity pool.";

interface VerifiedLogin {
  providerName: string;
  claims: JWTPayload;
}

/**
 * The sandbox's Cognito identity pool (GetId, GetCredentialsForIdentity): verifies user pool ID
 * tokens, keeps one stable identity per user, maps it to a role (Rules or Token), and hands out
 * temporary credentials from the shared TemporaryCredentialStore.
 */
export class CognitoIdentityPool {
  readonly identityPoolId: string;
  readonly region: string;
  /** By provider name, with the user pool's keys made once (the pool's signing key does not change). */
  private readonly providers = new Map<
    string,
    IdentityPoolProvider & { verificationKeys: ReturnType<typeof createLocalJWKSet> }
  >();
  private readonly roleMappings = new Map<string, RoleMapping>();
  private readonly byLogin = new Map<string, string>();
  private readonly clock: Clock;
  private readonly lifetimeSeconds: number;
  private readonly stateFile: JsonStateFile<IdentityState>;
  private readonly state: IdentityState;
  private readonly hooks: ServiceHooks;

  constructor(private readonly options: CognitoIdentityPoolOptions) {
    const match = identityPoolIdPattern.exec(options.identityPoolId);
    if (!match?.[1]) {
      throw new Error(`Identity pool id "${options.identityPoolId}" must look like "eu-west-1:<uuid>"`);
    }
    this.identityPoolId = options.identityPoolId;
    this.region = match[1];
    for (const provider of options.providers) {
      if (provider.clientIds.length === 0)
        throw new Error(`Provider ${provider.userPool.providerName} lists no app client`);
      this.providers.set(provider.userPool.providerName, {
        ...provider,
        verificationKeys: createLocalJWKSet(provider.userPool.jwks()),
      });
    }
    if (this.providers.size === 0) throw new Error('An identity pool needs at least one user pool provider');
    for (const [key, mapping] of Object.entries(options.roleMappings ?? {})) {
      const separator = key.lastIndexOf(':');
      const provider = this.providers.get(key.slice(0, separator));
      if (separator < 0 || !provider || !provider.clientIds.includes(key.slice(separator + 1))) {
        throw new Error(
          `Role mapping key "${key}" is not "<provider name>:<client id>" of a configured provider`,
        );
      }
      const parsed = roleMappingSchema.safeParse(mapping);
      if (!parsed.success) {
        throw new Error(`Role mapping ${key} is invalid: ${parsed.error.issues[0]?.message ?? ''}`);
      }
      this.roleMappings.set(key, parsed.data);
    }
    const lifetime = options.credentialLifetimeSeconds ?? 3600;
    if (!Number.isInteger(lifetime) || lifetime < 900 || lifetime > 3600) {
      throw new Error(`Credential lifetime must be 900-3600 seconds, got ${lifetime}`);
    }
    this.lifetimeSeconds = lifetime;
    this.clock = options.clock ?? systemClock;
    this.hooks = {
      onInternalError:
        options.onInternalError ?? ((error) => console.error('Sandbox identity pool internal error:', error)),
      onRequest: options.onRequest,
    };
    this.stateFile = new JsonStateFile<IdentityState>(options.statePath, () => ({
      version: 1,
      identityPoolId: this.identityPoolId,
      identities: {},
    }));
    const parsed = identityStateSchema.safeParse(this.stateFile.load());
    if (!parsed.success || parsed.data.identityPoolId !== this.identityPoolId) {
      throw new Error(
        `Identity pool state file ${options.statePath ?? ''} is not a state file of ${this.identityPoolId}; move it aside to start empty`,
      );
    }
    this.state = parsed.data;
    for (const [identityId, identity] of Object.entries(this.state.identities)) {
      for (const [providerName, sub] of Object.entries(identity.logins))
        this.byLogin.set(`${providerName}|${sub}`, identityId);
    }
  }

  /** The pool's roles and role mappings, in the shape of GetIdentityPoolRoles (for orchestrators and tests). */
  identityPoolRoles(): {
    IdentityPoolId: string;
    Roles: { authenticated?: string };
    RoleMappings: Record<string, RoleMapping>;
  } {
    const authenticated = this.options.authenticatedRoleArn;
    return {
      IdentityPoolId: this.identityPoolId,
      Roles: authenticated !== undefined ? { authenticated } : {},
      RoleMappings: Object.fromEntries(
        [...this.roleMappings].map(([key, mapping]) => [key, structuredClone(mapping)]),
      ),
    };
  }

  matches(req: IncomingMessage): boolean {
    return targetOperation(req, IDENTITY_POOL_TARGET_PREFIX) !== undefined;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    void serveJsonOperation(
      req,
      res,
      IDENTITY_POOL_TARGET_PREFIX,
      (operation, input) => this.invoke(operation, input),
      this.hooks,
    );
  }

  async invoke(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'GetId':
        return this.getId(parseInput(getIdRequest, input));
      case 'GetCredentialsForIdentity':
        return this.getCredentialsForIdentity(parseInput(getCredentialsRequest, input));
      default:
        throw new AwsServiceError(
          'UnsupportedOperationException',
          `The sandbox identity pool does not implement ${operation}.`,
        );
    }
  }

  private async getId(request: z.infer<typeof getIdRequest>): Promise<{ IdentityId: string }> {
    if (!identityPoolIdPattern.test(request.IdentityPoolId)) {
      throw invalidParameter(
        `1 validation error detected: Value '${request.IdentityPoolId}' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+`,
      );
    }
    if (request.IdentityPoolId !== this.identityPoolId) {
      throw resourceNotFound(`IdentityPool '${request.IdentityPoolId}' not found.`);
    }
    const logins = await this.verifyLogins(request.Logins);
    const first = logins[0] as VerifiedLogin;
    const sub = String(first.claims.sub);
    const existing = this.byLogin.get(`${first.providerName}|${sub}`);
    if (existing) return { IdentityId: existing };
    const identityId = `${this.region}:${randomUUID()}`;
    this.state.identities[identityId] = {
      logins: { [first.providerName]: sub },
      createdAt: this.clock.now(),
    };
    this.byLogin.set(`${first.providerName}|${sub}`, identityId);
    this.stateFile.save(this.state);
    return { IdentityId: identityId };
  }

  private async getCredentialsForIdentity(request: z.infer<typeof getCredentialsRequest>): Promise<unknown> {
    if (!identityIdPattern.test(request.IdentityId)) {
      throw invalidParameter(
        `1 validation error detected: Value '${request.IdentityId}' at 'identityId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+`,
      );
    }
    const identity = this.state.identities[request.IdentityId];
    if (!identity) throw resourceNotFound(`Identity '${request.IdentityId}' not found.`);
    if (!request.Logins || Object.keys(request.Logins).length === 0) throw notAuthorized(MISMATCHED_LOGINS);
    const logins = await this.verifyLogins(request.Logins);
    for (const login of logins) {
      if (identity.logins[login.providerName] !== String(login.claims.sub))
        throw notAuthorized(MISMATCHED_LOGINS);
    }
    const login = logins[0] as VerifiedLogin;
    const decision = resolveRole({
      mapping: this.roleMappings.get(`${login.providerName}:${String(login.claims.aud)}`),
      claims: login.claims,
      authenticatedRoleArn: this.options.authenticatedRoleArn,
      customRoleArn: request.CustomRoleArn,
    });
    if (decision.outcome === 'deny')
      throw notAuthorized('The ambiguous role mapping rules denied this request.');
    if (decision.outcome === 'no-authenticated-role') {
      throw new AwsServiceError(
        'InvalidIdentityPoolConfigurationException',
        'Invalid identity pool configuration. Check assigned IAM roles for this pool.',
      );
    }
    const issued = this.options.credentialStore.issue({
      roleArn: decision.roleArn,
      identityId: request.IdentityId,
      lifetimeSeconds: this.lifetimeSeconds,
    });
    return {
      IdentityId: request.IdentityId,
      Credentials: {
        AccessKeyId: issued.accessKeyId,
        SecretKey: issued.secretAccessKey,
        SessionToken: issued.sessionToken,
        Expiration: issued.expiration / 1000,
      },
    };
  }

  /** Verifies every login in the map; at least one is required (the pool allows no guests). */
  private async verifyLogins(logins: Record<string, string> | undefined): Promise<VerifiedLogin[]> {
    const entries = Object.entries(logins ?? {});
    if (entries.length === 0)
      throw notAuthorized('Unauthenticated access is not supported for this identity pool.');
    const verified: VerifiedLogin[] = [];
    for (const [providerName, token] of entries) {
      verified.push({ providerName, claims: await this.verifyIdToken(providerName, token) });
    }
    return verified;
  }

  /** Checks an ID token as Cognito does: provider, issuer, signature, expiry, audience, token use. */
  private async verifyIdToken(providerName: string, token: string): Promise<JWTPayload> {
    const provider = this.providers.get(providerName);
    if (!provider) throw notAuthorized('Token is not from a supported provider of this identity pool.');
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw notAuthorized('Invalid login token. Not a valid OpenId Connect identity token.');
    }
    if (unverified.iss !== provider.userPool.issuer)
      throw notAuthorized("Invalid login token. Issuer doesn't match providerName");
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, provider.verificationKeys, {
        algorithms: ['RS256'],
        currentDate: new Date(this.clock.now()),
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw notAuthorized(
          `Invalid login token. Token expired: ${Math.floor(this.clock.now() / 1000)} >= ${unverified.exp ?? 0}`,
        );
      }
      throw notAuthorized("Invalid login token. Couldn't verify signed token.");
    }
    if (claims.aud === undefined) throw notAuthorized('Invalid login token. Missing a required claim: aud');
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((audience) => provider.clientIds.includes(audience))) {
      throw notAuthorized('Invalid login token. Incorrect token audience.');
    }
    if (claims.token_use !== 'id' || typeof claims.sub !== 'string') {
      throw notAuthorized('Invalid login token. Not a valid OpenId Connect identity token.');
    }
    return claims;
  }
}
