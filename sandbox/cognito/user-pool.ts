import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  SignJWT,
  createLocalJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import { systemClock, type Clock } from '../clock.js';
import { JsonStateFile } from '../state-file.js';
import {
  AwsServiceError,
  invalidParameter,
  notAuthorized,
  parseInput,
  resourceNotFound,
  serveJsonOperation,
  targetOperation,
  type ServiceHooks,
} from './aws-json-protocol.js';
import { AuthSessions, type AuthSession, type ChallengeName } from './auth-sessions.js';
import { groupRoleClaims } from './group-role-claims.js';
import { passwordPolicyViolation } from './password-policy.js';
import { SigningKeys } from './signing-keys.js';
import {
  createServerEphemeral,
  createVerifier,
  deriveSessionKey,
  parseClientPublic,
  parseSrpTimestamp,
  passwordClaimSignature,
  passwordMatchesVerifier,
  sha256Hex,
  signaturesEqual,
  type SrpVerifierRecord,
} from './srp.js';
import { createTotpSecret, matchTotpStep } from './totp.js';
import {
  resolveUserPoolOptions,
  type AuthFlow,
  type CognitoUserPoolOptions,
  type ResolvedClient as Client,
  type ResolvedUserPoolOptions,
  type TokenLifetimes,
} from './user-pool-options.js';
import {
  accessTokenRequest,
  associateSoftwareTokenRequest,
  changePasswordRequest,
  getTokensFromRefreshTokenRequest,
  initiateAuthRequest,
  respondToAuthChallengeRequest,
  revokeTokenRequest,
  setUserMfaPreferenceRequest,
  verifySoftwareTokenRequest,
} from './user-pool-requests.js';
import {
  emptyUserPoolState,
  userPoolStateSchema,
  type RefreshFamily,
  type StoredUser,
  type UserPoolState,
} from './user-pool-state.js';

export const USER_POOL_TARGET_PREFIX = 'AWSCognitoIdentityProviderService';

const INCORRECT_CREDENTIALS = 'Incorrect username or password.';
const INVALID_SESSION = 'Invalid session for the user.';
/** Cognito's lock-out: from the fifth failure, a wait that doubles from 1 s up to 15 minutes. */
const FREE_FAILURES = 4;
const MAX_LOCKOUT_MS = 15 * 60 * 1000;
/** Access tokens may outlive their refresh token; keep revocation facts this long after it expires. */
const FAMILY_RETENTION_MS = 24 * 3600 * 1000;
/** User and group names: 1-128 letters, marks, symbols, digits or punctuation (no spaces). */
const NAME_PATTERN = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

export interface SeedUserInput {
  username: string;
  /** A permanent password: the user is CONFIRMED. */
  password?: string;
  /** A temporary password: the user is FORCE_CHANGE_PASSWORD and must choose a new one at first sign-in. */
  temporaryPassword?: string;
  /** Standard or custom attributes (`email`, `custom:site`…); `sub` is generated unless given here. */
  attributes?: Record<string, string>;
  enabled?: boolean;
}

export interface SeedGroupInput {
  groupName: string;
  precedence?: number;
  roleArn?: string;
  description?: string;
}

/** What the pool says about a user without revealing secrets (for orchestrators and tests). */
export interface UserSummary {
  username: string;
  sub: string;
  status: StoredUser['status'];
  enabled: boolean;
  groups: string[];
  softwareTokenMfa: 'none' | 'verified' | 'enabled';
}

interface AuthenticationResult {
  AccessToken: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
  IdToken: string;
  RefreshToken?: string;
}

type AuthResponse =
  | { AuthenticationResult: AuthenticationResult; ChallengeParameters: Record<string, string> }
  | { ChallengeName: ChallengeName; Session?: string; ChallengeParameters: Record<string, string> };

interface AccessContext {
  user: StoredUser;
  family: RefreshFamily;
}

/**
 * The sandbox's Amazon Cognito user pool: the JSON 1.1 API Amplify and the AWS SDK call (SRP and
 * password sign-in, challenges, TOTP, refresh, sign-out), RS256 tokens with a JWKS, and seeding
 * methods for the orchestrator. Passwords are kept only as SRP verifiers.
 */
export class CognitoUserPool {
  readonly userPoolId: string;
  readonly region: string;
  /** `https://cognito-idp.{region}.amazonaws.com/{poolId}`, the `iss` of every token. */
  readonly issuer: string;
  /** The issuer without scheme: the identity pool's Logins key. */
  readonly providerName: string;
  /** The pool's MFA setting (TOTP is the only factor the sandbox offers). */
  readonly mfaConfiguration: ResolvedUserPoolOptions['mfaConfiguration'];
  private readonly sessions: AuthSessions;
  private readonly familiesByHash = new Map<string, string>();
  private readonly verificationKeys: ReturnType<typeof createLocalJWKSet>;
  /** Keys the fake salt and verifier of unknown users, so they look stable and real. */
  private readonly decoySecret = randomBytes(32);

  private constructor(
    private readonly config: ResolvedUserPoolOptions,
    private readonly clock: Clock,
    private readonly stateFile: JsonStateFile<UserPoolState>,
    private readonly state: UserPoolState,
    private readonly keys: SigningKeys,
    private readonly hooks: ServiceHooks,
  ) {
    this.userPoolId = config.userPoolId;
    this.region = config.region;
    this.issuer = `https://cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}`;
    this.providerName = this.issuer.replace(/^https:\/\//, '');
    this.mfaConfiguration = config.mfaConfiguration;
    this.sessions = new AuthSessions(clock, config.authSessionValidityMs);
    this.verificationKeys = createLocalJWKSet(keys.jwks());
    for (const family of Object.values(state.refreshFamilies)) {
      this.familiesByHash.set(family.tokenHash, family.originJti);
    }
  }

  /** Builds a pool, loading its state (and signing key) from `statePath` when given. */
  static async create(options: CognitoUserPoolOptions): Promise<CognitoUserPool> {
    const config = resolveUserPoolOptions(options);
    const clock = options.clock ?? systemClock;
    const stateFile = new JsonStateFile<unknown>(options.statePath, () =>
      emptyUserPoolState(config.userPoolId),
    );
    const parsed = userPoolStateSchema.safeParse(stateFile.load());
    if (!parsed.success) {
      throw new Error(
        `User pool state file ${options.statePath ?? ''} does not match the expected shape (${parsed.error.issues[0]?.message ?? ''}); move it aside to start empty`,
      );
    }
    if (parsed.data.userPoolId !== config.userPoolId) {
      throw new Error(
        `User pool state file ${options.statePath ?? ''} belongs to pool ${parsed.data.userPoolId}, not ${config.userPoolId}`,
      );
    }
    const state = parsed.data;
    const keys = await SigningKeys.loadOrCreate(state.signingKey);
    state.signingKey = keys.stored;
    const pool = new CognitoUserPool(config, clock, stateFile as JsonStateFile<UserPoolState>, state, keys, {
      onInternalError:
        options.onInternalError ?? ((error) => console.error('Sandbox user pool internal error:', error)),
      onRequest: options.onRequest,
    });
    pool.save();
    return pool;
  }

  // ---------------------------------------------------------------- seeding (admin side)

  createUser(input: SeedUserInput): UserSummary {
    if (!NAME_PATTERN.test(input.username)) {
      throw new Error(`Username "${input.username}" must be 1-128 letters, digits, symbols or punctuation`);
    }
    const key = input.username.toLowerCase();
    if (this.state.users[key]) throw new Error(`User ${input.username} already exists in ${this.userPoolId}`);
    if ((input.password === undefined) === (input.temporaryPassword === undefined)) {
      throw new Error('Give a user exactly one of password or temporaryPassword');
    }
    const password = (input.password ?? input.temporaryPassword) as string;
    this.assertPasswordPolicy(password);
    const { sub: givenSub, ...attributes } = input.attributes ?? {};
    if (
      givenSub !== undefined &&
      !/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(givenSub)
    ) {
      throw new Error(`The sub attribute must be a lower-case UUID, got "${givenSub}"`);
    }
    const user: StoredUser = {
      username: input.username,
      sub: givenSub ?? randomUUID(),
      status: input.password !== undefined ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD',
      enabled: input.enabled ?? true,
      attributes,
      password: this.verifierFor(input.username, password),
      groups: [],
      failedSignIns: 0,
      createdAt: this.clock.now(),
    };
    if (user.status === 'FORCE_CHANGE_PASSWORD')
      user.temporaryPasswordExpiresAt = this.temporaryPasswordExpiry();
    this.state.users[key] = user;
    this.save();
    return this.summarize(user);
  }

  /** Sets a password as an administrator would (AdminSetUserPassword). */
  setUserPassword(username: string, password: string, permanent: boolean): void {
    const user = this.requireSeededUser(username);
    this.assertPasswordPolicy(password);
    user.password = this.verifierFor(user.username, password);
    user.status = permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
    user.temporaryPasswordExpiresAt = permanent ? undefined : this.temporaryPasswordExpiry();
    user.failedSignIns = 0;
    user.lockedUntil = undefined;
    this.save();
  }

  createGroup(input: SeedGroupInput): void {
    if (!NAME_PATTERN.test(input.groupName)) {
      throw new Error(
        `Group name "${input.groupName}" must be 1-128 letters, digits, symbols or punctuation`,
      );
    }
    if (this.state.groups[input.groupName]) throw new Error(`Group ${input.groupName} already exists`);
    assertGroupSettings(input);
    this.state.groups[input.groupName] = { ...input };
    this.save();
  }

  /**
   * Replaces a group's precedence, role and description (UpdateGroup). Its members keep their
   * membership; their next tokens carry the new role claims.
   */
  updateGroup(input: SeedGroupInput): void {
    if (!this.state.groups[input.groupName]) throw new Error(`Group ${input.groupName} does not exist`);
    assertGroupSettings(input);
    this.state.groups[input.groupName] = { ...input };
    this.save();
  }

  /**
   * Adds a user to a group. With `group` given, a missing group is created with that precedence and
   * role first; an existing group must already have them.
   */
  addUserToGroup(username: string, groupName: string, group?: Omit<SeedGroupInput, 'groupName'>): void {
    const user = this.requireSeededUser(username);
    const existing = this.state.groups[groupName];
    if (!existing && group) {
      this.createGroup({ groupName, ...group });
    } else if (!existing) {
      throw new Error(`Group ${groupName} does not exist; create it first or pass its precedence and role`);
    } else if (group && (existing.precedence !== group.precedence || existing.roleArn !== group.roleArn)) {
      throw new Error(
        `Group ${groupName} already exists with precedence ${existing.precedence ?? 'none'} and role ${existing.roleArn ?? 'none'}`,
      );
    }
    if (!user.groups.includes(groupName)) user.groups.push(groupName);
    this.save();
  }

  removeUserFromGroup(username: string, groupName: string): void {
    const user = this.requireSeededUser(username);
    user.groups = user.groups.filter((group) => group !== groupName);
    this.save();
  }

  /** Turns TOTP MFA on (verified, enabled, preferred) with a secret the caller knows, so tests can make codes. */
  enableSoftwareTokenMfa(username: string, secretBase32: string): void {
    const user = this.requireSeededUser(username);
    if (!/^[A-Z2-7]{16,}$/.test(secretBase32))
      throw new Error('TOTP secret must be at least 16 base32 characters');
    user.totp = { secret: secretBase32, verified: true, enabled: true, preferred: true };
    user.pendingTotpSecret = undefined;
    this.save();
  }

  setUserEnabled(username: string, enabled: boolean): void {
    this.requireSeededUser(username).enabled = enabled;
    this.save();
  }

  hasGroup(groupName: string): boolean {
    return this.state.groups[groupName] !== undefined;
  }

  /** A group as GetGroup describes it (name, precedence, role, description). */
  describeGroup(groupName: string): SeedGroupInput | undefined {
    const group = this.state.groups[groupName];
    return group && { ...group };
  }

  /** Every group, by name (ListGroups). */
  listGroups(): SeedGroupInput[] {
    return Object.values(this.state.groups)
      .map((group) => ({ ...group }))
      .sort((a, b) => a.groupName.localeCompare(b.groupName));
  }

  describeUser(username: string): UserSummary | undefined {
    const user = this.state.users[username.toLowerCase()];
    return user ? this.summarize(user) : undefined;
  }

  /** The public keys, as served at `/{userPoolId}/.well-known/jwks.json`. */
  jwks(): JSONWebKeySet {
    return this.keys.jwks();
  }

  // ---------------------------------------------------------------- HTTP

  /** True for requests this service answers: its X-Amz-Target prefix, or a GET of its JWKS. */
  matches(req: IncomingMessage): boolean {
    if (req.method === 'GET') return this.isJwksPath(req.url);
    return targetOperation(req, USER_POOL_TARGET_PREFIX) !== undefined;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'GET' && this.isJwksPath(req.url)) {
      const body = JSON.stringify(this.jwks());
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    void serveJsonOperation(
      req,
      res,
      USER_POOL_TARGET_PREFIX,
      (operation, input) => this.invoke(operation, input),
      this.hooks,
    );
  }

  private isJwksPath(url: string | undefined): boolean {
    return (url ?? '').split('?')[0] === `/${this.userPoolId}/.well-known/jwks.json`;
  }

  /** Runs one API operation on already-parsed JSON input. */
  async invoke(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'InitiateAuth':
        return this.initiateAuth(parseInput(initiateAuthRequest, input));
      case 'RespondToAuthChallenge':
        return this.respondToAuthChallenge(parseInput(respondToAuthChallengeRequest, input));
      case 'GetTokensFromRefreshToken': {
        const request = parseInput(getTokensFromRefreshTokenRequest, input);
        return {
          AuthenticationResult: await this.refresh(this.client(request.ClientId), request.RefreshToken),
        };
      }
      case 'AssociateSoftwareToken':
        return this.associateSoftwareToken(parseInput(associateSoftwareTokenRequest, input));
      case 'VerifySoftwareToken':
        return this.verifySoftwareToken(parseInput(verifySoftwareTokenRequest, input));
      case 'SetUserMFAPreference':
        return this.setUserMfaPreference(parseInput(setUserMfaPreferenceRequest, input));
      case 'GetUser':
        return this.getUser(parseInput(accessTokenRequest, input).AccessToken);
      case 'GlobalSignOut':
        return this.globalSignOut(parseInput(accessTokenRequest, input).AccessToken);
      case 'RevokeToken':
        return this.revokeToken(parseInput(revokeTokenRequest, input));
      case 'ChangePassword':
        return this.changePassword(parseInput(changePasswordRequest, input));
      default:
        throw new AwsServiceError(
          'UnsupportedOperationException',
          `The sandbox user pool does not implement ${operation}.`,
        );
    }
  }

  // ---------------------------------------------------------------- sign-in

  private async initiateAuth(request: {
    AuthFlow: string;
    ClientId: string;
    AuthParameters?: Record<string, string>;
  }): Promise<AuthResponse> {
    const client = this.client(request.ClientId);
    const parameters = request.AuthParameters ?? {};
    switch (request.AuthFlow) {
      case 'USER_SRP_AUTH': {
        this.requireFlow(client, 'USER_SRP_AUTH');
        const username = requireParameter(parameters, 'USERNAME');
        const clientPublic = parseClientPublic(requireParameter(parameters, 'SRP_A'));
        if (clientPublic === undefined) throw invalidParameter('SRP_A is not a valid SRP public value.');
        return this.startPasswordVerifier(client, username, clientPublic);
      }
      case 'USER_PASSWORD_AUTH': {
        this.requireFlow(client, 'USER_PASSWORD_AUTH');
        const username = requireParameter(parameters, 'USERNAME');
        const password = requireParameter(parameters, 'PASSWORD');
        const user = this.state.users[username.toLowerCase()];
        const matches = user !== undefined && this.passwordMatches(user, password);
        return this.afterFirstFactor(client, this.checkFirstFactor(user, matches));
      }
      case 'REFRESH_TOKEN_AUTH':
      case 'REFRESH_TOKEN':
        return {
          AuthenticationResult: await this.refresh(client, requireParameter(parameters, 'REFRESH_TOKEN')),
          ChallengeParameters: {},
        };
      case 'CUSTOM_AUTH':
      case 'USER_AUTH':
        throw invalidParameter(`${request.AuthFlow} flow not enabled for this client`);
      default:
        throw invalidParameter(
          `1 validation error detected: Value '${request.AuthFlow}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, USER_PASSWORD_AUTH, USER_AUTH]`,
        );
    }
  }

  /**
   * First SRP step. An unknown user gets a decoy salt and verifier derived from a process secret, so
   * the answer looks the same as for a real user and the failure only shows at the next step.
   */
  private startPasswordVerifier(client: Client, username: string, clientPublic: bigint): AuthResponse {
    const usernameKey = username.toLowerCase();
    const user = this.state.users[usernameKey];
    const record = user?.password ?? this.decoyVerifier(usernameKey);
    const userIdForSrp = user?.username ?? username;
    const ephemeral = createServerEphemeral(record.verifierHex);
    const secretBlock = randomBytes(384).toString('base64');
    this.sessions.open(
      {
        challenge: 'PASSWORD_VERIFIER',
        usernameKey,
        userIdForSrp,
        clientId: client.clientId,
        srp: { ephemeral, clientPublic, secretBlock, userExists: user !== undefined },
      },
      secretBlock,
    );
    return {
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeParameters: {
        SALT: record.saltHex,
        SECRET_BLOCK: secretBlock,
        SRP_B: ephemeral.publicHex,
        USERNAME: userIdForSrp,
        USER_ID_FOR_SRP: userIdForSrp,
      },
    };
  }

  private decoyVerifier(usernameKey: string): { saltHex: string; verifierHex: string } {
    const mac = (label: string): string =>
      createHmac('sha256', this.decoySecret).update(`${label}:${usernameKey}`).digest('hex');
    return { saltHex: mac('salt').slice(0, 32), verifierHex: mac('v1') + mac('v2') + mac('v3') + mac('v4') };
  }

  private async respondToAuthChallenge(request: {
    ClientId: string;
    ChallengeName: string;
    Session?: string;
    ChallengeResponses?: Record<string, string>;
  }): Promise<AuthResponse> {
    const client = this.client(request.ClientId);
    const responses = request.ChallengeResponses ?? {};
    switch (request.ChallengeName) {
      case 'PASSWORD_VERIFIER':
        return this.answerPasswordVerifier(client, responses);
      case 'NEW_PASSWORD_REQUIRED': {
        const [key, , user] = this.requireSession(request, 'NEW_PASSWORD_REQUIRED', responses);
        const newPassword = requireParameter(responses, 'NEW_PASSWORD');
        if (user.status !== 'FORCE_CHANGE_PASSWORD') throw notAuthorized(INVALID_SESSION);
        this.assertPasswordPolicy(newPassword);
        user.password = this.verifierFor(user.username, newPassword);
        user.status = 'CONFIRMED';
        user.temporaryPasswordExpiresAt = undefined;
        this.save();
        this.sessions.close(key);
        return this.afterPasswordSettled(client, user);
      }
      case 'SOFTWARE_TOKEN_MFA': {
        const [key, session, user] = this.requireSession(request, 'SOFTWARE_TOKEN_MFA', responses);
        const code = requireParameter(responses, 'SOFTWARE_TOKEN_MFA_CODE');
        const totp = user.totp;
        const step = totp ? matchTotpStep(totp.secret, code, this.clock.now()) : undefined;
        if (!totp || step === undefined || (totp.lastUsedStep !== undefined && step <= totp.lastUsedStep)) {
          this.sessions.recordFailure(key, session);
          throw new AwsServiceError('CodeMismatchException', 'Invalid code received for user');
        }
        totp.lastUsedStep = step;
        this.sessions.close(key);
        return { AuthenticationResult: await this.issueTokens(client, user), ChallengeParameters: {} };
      }
      case 'MFA_SETUP': {
        const [key, session, user] = this.requireSession(request, 'MFA_SETUP', responses);
        if (!session.totpSetupVerified) {
          throw invalidParameter(
            'Software token MFA has not been verified for this session; call VerifySoftwareToken first.',
          );
        }
        this.sessions.close(key);
        return { AuthenticationResult: await this.issueTokens(client, user), ChallengeParameters: {} };
      }
      default:
        throw invalidParameter(
          `The sandbox user pool does not support the ${request.ChallengeName} challenge.`,
        );
    }
  }

  private answerPasswordVerifier(client: Client, responses: Record<string, string>): Promise<AuthResponse> {
    const secretBlock = requireParameter(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
    const signature = requireParameter(responses, 'PASSWORD_CLAIM_SIGNATURE');
    const timestamp = requireParameter(responses, 'TIMESTAMP');
    const username = requireParameter(responses, 'USERNAME');
    if (parseSrpTimestamp(timestamp) === undefined) {
      throw invalidParameter('TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.');
    }
    const session = this.liveSession(secretBlock);
    if (session.challenge !== 'PASSWORD_VERIFIER' || session.clientId !== client.clientId || !session.srp) {
      throw notAuthorized(INVALID_SESSION);
    }
    // One proof per SRP exchange: a second try must start again with InitiateAuth.
    this.sessions.close(secretBlock);
    const user = session.srp.userExists ? this.state.users[session.usernameKey] : undefined;
    let proofValid = false;
    if (user && username.toLowerCase() === session.usernameKey) {
      const key = deriveSessionKey({
        A: session.srp.clientPublic,
        verifierHex: user.password.verifierHex,
        ephemeral: session.srp.ephemeral,
      });
      const expected = passwordClaimSignature({
        key,
        poolName: this.config.poolName,
        userId: session.userIdForSrp,
        secretBlockBase64: secretBlock,
        timestamp,
      });
      proofValid = signaturesEqual(expected, signature);
    }
    return this.afterFirstFactor(client, this.checkFirstFactor(user, proofValid));
  }

  /** Applies lock-out, disabled and temporary-password expiry rules to a password check. */
  private checkFirstFactor(user: StoredUser | undefined, passwordValid: boolean): StoredUser {
    if (!user) throw notAuthorized(INCORRECT_CREDENTIALS);
    const now = this.clock.now();
    if (user.lockedUntil !== undefined && now < user.lockedUntil)
      throw notAuthorized('Password attempts exceeded');
    if (!passwordValid) {
      user.failedSignIns += 1;
      if (user.failedSignIns > FREE_FAILURES) {
        user.lockedUntil =
          now + Math.min(1000 * 2 ** (user.failedSignIns - FREE_FAILURES - 1), MAX_LOCKOUT_MS);
      }
      this.save();
      throw notAuthorized(INCORRECT_CREDENTIALS);
    }
    if (!user.enabled) throw notAuthorized('User is disabled.');
    if (user.failedSignIns !== 0 || user.lockedUntil !== undefined) {
      user.failedSignIns = 0;
      user.lockedUntil = undefined;
      this.save();
    }
    if (
      user.status === 'FORCE_CHANGE_PASSWORD' &&
      user.temporaryPasswordExpiresAt !== undefined &&
      now >= user.temporaryPasswordExpiresAt
    ) {
      throw notAuthorized('Temporary password has expired and must be reset by an administrator.');
    }
    return user;
  }

  private async afterFirstFactor(client: Client, user: StoredUser): Promise<AuthResponse> {
    if (user.status === 'FORCE_CHANGE_PASSWORD') {
      const {
        email_verified: _verified,
        phone_number_verified: _phoneVerified,
        ...visible
      } = user.attributes;
      return this.challenge(client, user, 'NEW_PASSWORD_REQUIRED', {
        requiredAttributes: '[]',
        userAttributes: JSON.stringify(visible),
      });
    }
    return this.afterPasswordSettled(client, user);
  }

  private async afterPasswordSettled(client: Client, user: StoredUser): Promise<AuthResponse> {
    const mfa = this.config.mfaConfiguration;
    const totp = user.totp;
    if (mfa !== 'OFF' && totp && (totp.enabled || (mfa === 'ON' && totp.verified))) {
      return this.challenge(client, user, 'SOFTWARE_TOKEN_MFA', {});
    }
    if (mfa === 'ON') {
      return this.challenge(client, user, 'MFA_SETUP', { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' });
    }
    return { AuthenticationResult: await this.issueTokens(client, user), ChallengeParameters: {} };
  }

  private challenge(
    client: Client,
    user: StoredUser,
    challenge: ChallengeName,
    parameters: Record<string, string>,
  ): AuthResponse {
    const session = this.sessions.open({
      challenge,
      usernameKey: user.username.toLowerCase(),
      userIdForSrp: user.username,
      clientId: client.clientId,
    });
    return {
      ChallengeName: challenge,
      Session: session,
      ChallengeParameters: { ...parameters, USER_ID_FOR_SRP: user.username },
    };
  }

  private liveSession(key: string): AuthSession {
    const session = this.sessions.find(key);
    if (session === 'expired') throw notAuthorized('Invalid session for the user, session is expired.');
    if (!session) throw notAuthorized(INVALID_SESSION);
    return session;
  }

  /** The session named in a challenge answer, checked for challenge, client, user and USERNAME. */
  private requireSession(
    request: { ClientId: string; Session?: string },
    challenge: ChallengeName,
    responses: Record<string, string>,
  ): [string, AuthSession, StoredUser] {
    if (!request.Session) throw invalidParameter('Missing required parameter Session');
    const username = requireParameter(responses, 'USERNAME');
    const session = this.liveSession(request.Session);
    const user = this.state.users[session.usernameKey];
    if (
      session.challenge !== challenge ||
      session.clientId !== request.ClientId ||
      !user ||
      username.toLowerCase() !== session.usernameKey
    ) {
      throw notAuthorized(INVALID_SESSION);
    }
    if (!user.enabled) throw notAuthorized('User is disabled.');
    return [request.Session, session, user];
  }

  // ---------------------------------------------------------------- tokens

  private async issueTokens(client: Client, user: StoredUser): Promise<AuthenticationResult> {
    const now = this.clock.now();
    const refreshToken = randomBytes(96).toString('base64url');
    const family: RefreshFamily = {
      originJti: randomUUID(),
      tokenHash: sha256Hex(refreshToken),
      usernameKey: user.username.toLowerCase(),
      clientId: client.clientId,
      authTime: Math.floor(now / 1000),
      expiresAt: now + client.lifetimes.refreshTokenSeconds * 1000,
      revoked: false,
    };
    this.pruneFamilies(now);
    this.state.refreshFamilies[family.originJti] = family;
    this.familiesByHash.set(family.tokenHash, family.originJti);
    this.save();
    return { ...(await this.mintTokens(client.lifetimes, user, family)), RefreshToken: refreshToken };
  }

  private async mintTokens(
    lifetimes: TokenLifetimes,
    user: StoredUser,
    family: RefreshFamily,
  ): Promise<Omit<AuthenticationResult, 'RefreshToken'>> {
    const iat = Math.floor(this.clock.now() / 1000);
    const groups = groupRoleClaims(
      user.groups.flatMap((name) => {
        const group = this.state.groups[name];
        return group ? [group] : [];
      }),
    );
    const common = { origin_jti: family.originJti, event_id: randomUUID(), auth_time: family.authTime };
    const idClaims: JWTPayload = {
      ...attributeClaims(user.attributes),
      sub: user.sub,
      ...groups,
      iss: this.issuer,
      'cognito:username': user.username,
      aud: family.clientId,
      ...common,
      token_use: 'id',
      exp: iat + lifetimes.idTokenSeconds,
      iat,
      jti: randomUUID(),
    };
    const accessClaims: JWTPayload = {
      sub: user.sub,
      ...(groups['cognito:groups'] ? { 'cognito:groups': groups['cognito:groups'] } : {}),
      iss: this.issuer,
      client_id: family.clientId,
      ...common,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      exp: iat + lifetimes.accessTokenSeconds,
      iat,
      jti: randomUUID(),
      username: user.username,
    };
    return {
      IdToken: await this.sign(idClaims),
      AccessToken: await this.sign(accessClaims),
      ExpiresIn: lifetimes.accessTokenSeconds,
      TokenType: 'Bearer',
    };
  }

  private sign(claims: JWTPayload): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ kid: this.keys.kid, alg: 'RS256' })
      .sign(this.keys.privateKey);
  }

  /** New ID and access tokens for a refresh token; the refresh token itself is kept (no rotation). */
  private async refresh(client: Client, refreshToken: string): Promise<AuthenticationResult> {
    this.requireFlow(client, 'REFRESH_TOKEN_AUTH');
    const originJti = this.familiesByHash.get(sha256Hex(refreshToken));
    const family = originJti ? this.state.refreshFamilies[originJti] : undefined;
    if (!family || family.clientId !== client.clientId) throw notAuthorized('Invalid Refresh Token');
    if (family.revoked) throw notAuthorized('Refresh Token has been revoked');
    if (this.clock.now() >= family.expiresAt) throw notAuthorized('Refresh Token has expired');
    const user = this.state.users[family.usernameKey];
    if (!user) throw notAuthorized('User does not exist.');
    if (!user.enabled) throw notAuthorized('User is disabled.');
    return this.mintTokens(client.lifetimes, user, family);
  }

  /** Verifies an access token (signature, issuer, expiry, use, revocation) and finds its user. */
  private async verifyAccessToken(token: string): Promise<AccessContext> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.verificationKeys, {
        issuer: this.issuer,
        algorithms: ['RS256'],
        currentDate: new Date(this.clock.now()),
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw notAuthorized('Access Token has expired');
      throw notAuthorized('Invalid Access Token');
    }
    if (payload.token_use !== 'access' || typeof payload.origin_jti !== 'string') {
      throw notAuthorized('Invalid Access Token');
    }
    const family = this.state.refreshFamilies[payload.origin_jti];
    if (!family || family.revoked) throw notAuthorized('Access Token has been revoked');
    const user = this.state.users[family.usernameKey];
    if (!user || user.sub !== payload.sub) throw notAuthorized('User does not exist.');
    if (!user.enabled) throw notAuthorized('User is disabled.');
    return { user, family };
  }

  private pruneFamilies(now: number): void {
    for (const [originJti, family] of Object.entries(this.state.refreshFamilies)) {
      if (now >= family.expiresAt + FAMILY_RETENTION_MS) {
        delete this.state.refreshFamilies[originJti];
        this.familiesByHash.delete(family.tokenHash);
      }
    }
  }

  // ---------------------------------------------------------------- signed-in operations

  private async getUser(accessToken: string): Promise<unknown> {
    const { user } = await this.verifyAccessToken(accessToken);
    const totpOn = user.totp?.enabled === true;
    return {
      Username: user.username,
      UserAttributes: [
        { Name: 'sub', Value: user.sub },
        ...Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
      ],
      ...(totpOn ? { UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] } : {}),
      ...(totpOn && user.totp?.preferred ? { PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA' } : {}),
    };
  }

  private async globalSignOut(accessToken: string): Promise<Record<string, never>> {
    const { user } = await this.verifyAccessToken(accessToken);
    const usernameKey = user.username.toLowerCase();
    for (const family of Object.values(this.state.refreshFamilies)) {
      if (family.usernameKey === usernameKey) family.revoked = true;
    }
    this.save();
    return {};
  }

  private revokeToken(request: { Token: string; ClientId: string }): Record<string, never> {
    const client = this.client(request.ClientId);
    const originJti = this.familiesByHash.get(sha256Hex(request.Token));
    const family = originJti ? this.state.refreshFamilies[originJti] : undefined;
    // As OAuth revocation does, an unknown token is not an error: there is nothing left to revoke.
    if (!family) return {};
    if (family.clientId !== client.clientId) {
      throw new AwsServiceError('UnauthorizedException', 'The token was not issued to this client.');
    }
    family.revoked = true;
    this.save();
    return {};
  }

  private async changePassword(request: {
    AccessToken: string;
    PreviousPassword?: string;
    ProposedPassword: string;
  }): Promise<Record<string, never>> {
    const { user } = await this.verifyAccessToken(request.AccessToken);
    if (request.PreviousPassword === undefined)
      throw invalidParameter('Missing required parameter PreviousPassword');
    this.checkFirstFactor(user, this.passwordMatches(user, request.PreviousPassword));
    this.assertPasswordPolicy(request.ProposedPassword);
    user.password = this.verifierFor(user.username, request.ProposedPassword);
    this.save();
    return {};
  }

  private async associateSoftwareToken(request: {
    AccessToken?: string;
    Session?: string;
  }): Promise<{ SecretCode: string; Session?: string }> {
    const secret = createTotpSecret();
    if (request.AccessToken) {
      const { user } = await this.verifyAccessToken(request.AccessToken);
      user.pendingTotpSecret = secret;
      this.save();
      return { SecretCode: secret };
    }
    if (!request.Session) throw invalidParameter('Either AccessToken or Session is required.');
    const session = this.liveSession(request.Session);
    const user = this.state.users[session.usernameKey];
    if (session.challenge !== 'MFA_SETUP' || !user) throw notAuthorized(INVALID_SESSION);
    user.pendingTotpSecret = secret;
    this.save();
    this.sessions.close(request.Session);
    return { SecretCode: secret, Session: this.sessions.open({ ...session }) };
  }

  private async verifySoftwareToken(request: {
    AccessToken?: string;
    Session?: string;
    UserCode: string;
  }): Promise<{ Status: 'SUCCESS'; Session?: string }> {
    let user: StoredUser | undefined;
    let session: AuthSession | undefined;
    if (request.AccessToken) {
      user = (await this.verifyAccessToken(request.AccessToken)).user;
    } else if (request.Session) {
      session = this.liveSession(request.Session);
      user = this.state.users[session.usernameKey];
      if (session.challenge !== 'MFA_SETUP' || !user) throw notAuthorized(INVALID_SESSION);
    } else {
      throw invalidParameter('Either AccessToken or Session is required.');
    }
    const secret = user.pendingTotpSecret;
    if (!secret) {
      throw invalidParameter(
        'No software token is being set up for this user; call AssociateSoftwareToken first.',
      );
    }
    const step = matchTotpStep(secret, request.UserCode, this.clock.now());
    if (step === undefined) {
      if (session && request.Session) this.sessions.recordFailure(request.Session, session);
      throw new AwsServiceError(
        'EnableSoftwareTokenMFAException',
        'Code mismatch and fail enable Software Token MFA',
      );
    }
    // Set-up during sign-in turns MFA on at once; set-up while signed in waits for SetUserMFAPreference.
    const enable = session !== undefined || user.totp?.enabled === true;
    user.totp = { secret, verified: true, enabled: enable, preferred: enable, lastUsedStep: step };
    user.pendingTotpSecret = undefined;
    this.save();
    if (session && request.Session) {
      this.sessions.close(request.Session);
      return { Status: 'SUCCESS', Session: this.sessions.open({ ...session, totpSetupVerified: true }) };
    }
    return { Status: 'SUCCESS' };
  }

  private async setUserMfaPreference(request: {
    AccessToken: string;
    SoftwareTokenMfaSettings?: { Enabled?: boolean; PreferredMfa?: boolean };
    SMSMfaSettings?: { Enabled?: boolean };
    EmailMfaSettings?: { Enabled?: boolean };
  }): Promise<Record<string, never>> {
    const { user } = await this.verifyAccessToken(request.AccessToken);
    if (request.SMSMfaSettings?.Enabled || request.EmailMfaSettings?.Enabled) {
      throw invalidParameter('SMS and email MFA are not configured for this user pool.');
    }
    const settings = request.SoftwareTokenMfaSettings;
    if (settings) {
      const totp = user.totp;
      if (settings.Enabled === true || settings.PreferredMfa === true) {
        if (!totp?.verified) throw invalidParameter('User has not verified software token mfa');
        totp.enabled = true;
        if (settings.PreferredMfa !== undefined) totp.preferred = settings.PreferredMfa;
      } else if (settings.Enabled === false && totp) {
        totp.enabled = false;
        totp.preferred = false;
      } else if (settings.PreferredMfa === false && totp) {
        totp.preferred = false;
      }
      this.save();
    }
    return {};
  }

  // ---------------------------------------------------------------- helpers

  private client(clientId: string): Client {
    const client = this.config.clients.get(clientId);
    if (!client) throw resourceNotFound(`User pool client ${clientId} does not exist.`);
    return client;
  }

  private requireFlow(client: Client, flow: AuthFlow): void {
    if (!client.authFlows.has(flow)) throw invalidParameter(`${flow} flow not enabled for this client`);
  }

  /** What the pool stores for a password: an SRP verifier salted for this pool and user. */
  private verifierFor(userId: string, password: string): SrpVerifierRecord {
    return createVerifier({ poolName: this.config.poolName, userId, password });
  }

  private passwordMatches(user: StoredUser, password: string): boolean {
    return passwordMatchesVerifier(user.password, {
      poolName: this.config.poolName,
      userId: user.username,
      password,
    });
  }

  private temporaryPasswordExpiry(): number {
    return this.clock.now() + this.config.passwordPolicy.temporaryPasswordValidityDays * 24 * 3600 * 1000;
  }

  private assertPasswordPolicy(password: string): void {
    const violation = passwordPolicyViolation(password, this.config.passwordPolicy);
    if (violation) throw new AwsServiceError('InvalidPasswordException', violation);
  }

  private requireSeededUser(username: string): StoredUser {
    const user = this.state.users[username.toLowerCase()];
    if (!user) throw new Error(`User ${username} does not exist in ${this.userPoolId}`);
    return user;
  }

  private summarize(user: StoredUser): UserSummary {
    return {
      username: user.username,
      sub: user.sub,
      status: user.status,
      enabled: user.enabled,
      groups: [...user.groups],
      softwareTokenMfa: user.totp?.enabled ? 'enabled' : user.totp?.verified ? 'verified' : 'none',
    };
  }

  private save(): void {
    this.stateFile.save(this.state);
  }
}

function assertGroupSettings(input: SeedGroupInput): void {
  if (input.precedence !== undefined && (!Number.isInteger(input.precedence) || input.precedence < 0)) {
    throw new Error(`Group precedence must be a non-negative integer, got ${input.precedence}`);
  }
  if (input.roleArn !== undefined && !/^arn:aws[\w-]*:iam::\d{12}:role\/.+$/.test(input.roleArn)) {
    throw new Error(
      `Group role "${input.roleArn}" is not an IAM role ARN (arn:aws:iam::123456789012:role/Name)`,
    );
  }
}

function requireParameter(parameters: Record<string, string>, name: string): string {
  const value = parameters[name];
  if (value === undefined || value === '') throw invalidParameter(`Missing required parameter ${name}`);
  return value;
}

/** User attributes as ID token claims; `*_verified` flags are booleans there. */
function attributeClaims(attributes: Record<string, string>): Record<string, string | boolean> {
  const claims: Record<string, string | boolean> = {};
  for (const [name, value] of Object.entries(attributes)) {
    claims[name] = name.endsWith('_verified') ? value === 'true' : value;
  }
  return claims;
}
