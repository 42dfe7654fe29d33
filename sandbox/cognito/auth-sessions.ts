import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { ServerEphemeral } from './srp.js';

export type ChallengeName =
  'PASSWORD_VERIFIER' | 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP';

/** A sign-in in progress between InitiateAuth and the last RespondToAuthChallenge. */
export interface AuthSession {
  challenge: ChallengeName;
  /** Lower-cased username; for PASSWORD_VERIFIER possibly of a user that does not exist. */
  usernameKey: string;
  /** The USER_ID_FOR_SRP the client was told. */
  userIdForSrp: string;
  clientId: string;
  expiresAt: number;
  failedAttempts: number;
  srp?: { ephemeral: ServerEphemeral; clientPublic: bigint; secretBlock: string; userExists: boolean };
  /** MFA_SETUP: the TOTP secret was verified with this session. */
  totpSetupVerified?: boolean;
}

/** Failed answers one session tolerates before it is dropped and the sign-in must start over. */
export const MAX_SESSION_FAILURES = 5;

/**
 * Challenge sessions, in memory (as short-lived as Cognito's 3-15 minute sessions; a restart ends
 * them). Each step hands out a fresh opaque token and retires the previous one.
 */
export class AuthSessions {
  private readonly sessions = new Map<string, AuthSession>();

  constructor(
    private readonly clock: Clock,
    private readonly validityMs: number,
  ) {}

  /** Stores a session and returns its token. */
  open(
    session: Omit<AuthSession, 'expiresAt' | 'failedAttempts'>,
    key = randomBytes(96).toString('base64'),
  ): string {
    this.prune();
    this.sessions.set(key, { ...session, expiresAt: this.clock.now() + this.validityMs, failedAttempts: 0 });
    return key;
  }

  /** The live session for a token; 'expired' when it timed out, undefined when unknown. */
  find(key: string): AuthSession | 'expired' | undefined {
    const session = this.sessions.get(key);
    if (!session) return undefined;
    if (this.clock.now() >= session.expiresAt) {
      this.sessions.delete(key);
      return 'expired';
    }
    return session;
  }

  close(key: string): void {
    this.sessions.delete(key);
  }

  /** Counts a wrong answer; drops the session once it has used up its attempts. */
  recordFailure(key: string, session: AuthSession): void {
    session.failedAttempts += 1;
    if (session.failedAttempts >= MAX_SESSION_FAILURES) this.sessions.delete(key);
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [key, session] of this.sessions) if (now >= session.expiresAt) this.sessions.delete(key);
  }
}
