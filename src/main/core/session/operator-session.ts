import { EventEmitter } from 'node:events';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { AuthTokens, SignInOutput } from 'aws-amplify/auth';
import type { StationProfile } from '../../../shared/station-profile-schema.js';
import type { SessionStepName as SessionStep, SessionView } from '../../../shared/view-models.js';
import { systemClock, type Clock } from '../time/clock.js';
import { AmplifyAuth } from './amplify-auth.js';
import { describeCognitoError, sessionErrorFrom } from './cognito-error-message.js';
import { obtainCredentials, type CredentialsOutcome } from './identity-pool-credentials.js';
import type { OperatorIdentity } from './operator-identity.js';
import { RememberedSessionFile } from './remembered-session-file.js';
import type { SecretStorage } from './secret-storage.js';
import { SessionError } from './session-error.js';
import {
  mayProvision,
  reauthenticateBy,
  sessionViewOf,
  type SessionState,
  type SignedIn,
} from './session-state.js';
import {
  CREDENTIALS_SAFETY_MS,
  credentialsDueAt,
  identityFromIdToken,
  isUsable,
  renewalDueAt,
  tokenTimes,
  type TokenTimes,
} from './session-tokens.js';
import { challengeIsOver, nextMove, stepWords } from './sign-in-steps.js';
import { endSessionAtCognito, type RevocationOutcome, type RevocationTarget } from './token-revocation.js';

export type { OperatorIdentity } from './operator-identity.js';

/** What the renderer learns: who is signed in, their groups, whether they may provision — never a token. */
export type { SessionView, SessionStepName as SessionStep } from '../../../shared/view-models.js';

export type ChallengeAnswer =
  | { step: 'new-password'; newPassword: string }
  | { step: 'totp-setup'; code: string }
  | { step: 'totp-code'; code: string };

export interface OperatorSessionOptions {
  profile: StationProfile;
  /** Where the encrypted session file lives (the app's user-data folder). */
  dataDirectory: string;
  /** Electron's safeStorage; null (or unavailable) means nothing is remembered. */
  secretStorage: SecretStorage | null;
  /** One line per session event; never a token, password, code or TOTP secret. */
  log: (line: string) => void;
  clock?: Clock;
}

/** After a renewal fails for a passing reason (network), try again this much later. */
const RENEWAL_RETRY_MS = 30_000;

const NO_KEYRING_NOTICE =
  'This computer has no encryption keyring available, so your session is not remembered: you will sign in again after the station restarts.';

/** Amplify is configured once per process; a second live session would silently share its state. */
const liveSessions = new Set<OperatorSession>();

/**
 * The operator's Cognito session in the main process: Amplify v6 sign-in (SRP) with the
 * new-password and TOTP steps, IAM credentials from the identity pool for the AWS SDK, silent
 * renewal before anything expires, restore across restarts through an encrypted file, and sign-out
 * that revokes the session at Cognito.
 *
 * Amplify is a process-wide singleton (configuration, token store, credentials cache), so there is
 * one OperatorSession per process: constructing a second one while another is live throws, and
 * each new one starts from a cleared Amplify state. Tests get their own process per file.
 */
export class OperatorSession extends EventEmitter<{ changed: [SessionView] }> {
  private readonly profile: StationProfile;
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private readonly amplify: AmplifyAuth;
  private readonly file: RememberedSessionFile;
  private readonly revocationTarget: RevocationTarget;
  private state: SessionState = { status: 'signed-out' };
  /** About this session as a whole (not remembered, because…); cleared by the next sign-in or sign-out. */
  private lastingNotice: string | null = null;
  /** About what just happened (a renewal failing, the session ending); replaced as things move on. */
  private passingNotice: string | null = null;
  /** Bumped whenever the session is replaced, so late results of an old one are dropped. */
  private epoch = 0;
  private busy = false;
  private renewing: Promise<void> | undefined;
  private cancelRenewal: (() => void) | undefined;
  private disposed = false;

  constructor(options: OperatorSessionOptions) {
    super();
    if (liveSessions.size > 0) {
      throw new Error(
        'Only one OperatorSession may exist per process (Amplify is a process-wide singleton); dispose() the other first.',
      );
    }
    liveSessions.add(this);
    this.profile = options.profile;
    this.clock = options.clock ?? systemClock;
    this.log = options.log;
    this.file = new RememberedSessionFile(options.dataDirectory, options.secretStorage);
    const { cognito, region } = options.profile;
    this.revocationTarget = {
      endpoint: cognito.userPoolEndpoint ?? `https://cognito-idp.${region}.amazonaws.com/`,
      clientId: cognito.userPoolClientId,
    };
    this.amplify = new AmplifyAuth(options.profile);
  }

  view(): SessionView {
    return sessionViewOf(this.state, this.passingNotice ?? this.lastingNotice, this.profile);
  }

  operator(): OperatorIdentity | undefined {
    const state = this.state;
    return state.status === 'signed-in'
      ? { username: state.identity.username, sub: state.identity.sub, groups: [...state.identity.groups] }
      : undefined;
  }

  /** Resumes the session saved by an earlier run, if there is one; never throws for the file. */
  async restore(): Promise<SessionView> {
    await this.amplify.ready;
    if (this.state.status !== 'signed-out' || this.busy) return this.view();
    return this.exclusively(async () => {
      const read = await this.file.read();
      switch (read.kind) {
        case 'none':
          return this.view();
        case 'unavailable':
          return this.settle(
            'A saved sign-in exists, but this computer’s encryption keyring is not available now, so it cannot be read. Sign in.',
          );
        case 'damaged': {
          const where = read.asidePath ? ` and was moved aside to ${read.asidePath}` : '';
          this.log(`session: the saved session could not be used (${read.reason})${where}`);
          return this.settle(`The saved sign-in could not be used (${read.reason})${where}. Sign in again.`);
        }
        case 'found':
          break;
      }
      const saved = read.session;
      const { cognito } = this.profile;
      if (saved.userPoolId !== cognito.userPoolId || saved.userPoolClientId !== cognito.userPoolClientId) {
        await this.file.delete().catch(() => undefined);
        this.log('session: the saved session belongs to another user pool or app client; deleted');
        return this.settle('The saved sign-in was for another station profile. Sign in.');
      }
      const epoch = ++this.epoch;
      this.amplify.storage.load(saved.items);
      const requestedAt = this.clock.now();
      let refreshed: { tokens: AuthTokens } | { refused: string };
      try {
        refreshed = await this.amplify.refreshTokens();
      } catch (error) {
        await this.forgetLocally();
        this.log(
          `session: could not resume the saved session of ${saved.username}: ${describeCognitoError(error)}`,
        );
        return this.settle(
          `The saved sign-in of ${saved.username} could not be resumed now: ${sessionErrorFrom(error, 'refresh').message}`,
        );
      }
      if (epoch !== this.epoch) return this.view();
      if ('refused' in refreshed) {
        const reason = refreshed.refused;
        await this.forgetLocally();
        await this.file.delete().catch(() => undefined);
        this.log(`session: the saved session of ${saved.username} has ended (${reason}); deleted`);
        return this.settle(`The saved sign-in of ${saved.username} has ended (${reason}). Sign in again.`);
      }
      try {
        const view = await this.finishSignIn(epoch, saved.signedInAt, refreshed.tokens, requestedAt);
        this.log(`session: resumed the saved session of ${saved.username}`);
        return view;
      } catch (error) {
        // finishSignIn has already gone back to signed-out; restore reports instead of throwing.
        return this.settle(
          `The saved sign-in of ${saved.username} could not be resumed: ${(error as Error).message}`,
        );
      }
    });
  }

  async signIn(username: string, password: string): Promise<SessionView> {
    await this.amplify.ready;
    const state = this.state;
    if (state.status === 'signed-in') {
      throw new SessionError(`${state.identity.username} is signed in on this station. Sign out first.`);
    }
    const name = username.trim();
    if (name === '') throw new SessionError('Enter your username.');
    if (password === '') throw new SessionError('Enter your password.');
    return this.exclusively(async () => {
      const epoch = ++this.epoch;
      this.lastingNotice = null;
      this.passingNotice = null;
      const requestedAt = this.clock.now();
      let result: SignInOutput;
      try {
        result = await this.amplify.signIn(name, password);
      } catch (error) {
        throw this.failSignIn(error, name);
      }
      return this.advance(epoch, result, name, requestedAt);
    });
  }

  async answerChallenge(answer: ChallengeAnswer): Promise<SessionView> {
    await this.amplify.ready;
    const state = this.state;
    if (state.status !== 'challenge') {
      throw new SessionError(
        'No sign-in step is waiting for an answer. Start again with your username and password.',
      );
    }
    if (answer.step !== state.step) {
      throw new SessionError(
        `The sign-in is waiting for ${stepWords(state.step)}, not ${stepWords(answer.step)}.`,
      );
    }
    let response: string;
    if (answer.step === 'new-password') {
      if (answer.newPassword === '') throw new SessionError('Enter a new password.');
      response = answer.newPassword;
    } else {
      response = answer.code.replace(/\s/g, '');
      if (!/^\d{6}$/.test(response)) {
        throw new SessionError('Enter the 6-digit code your authenticator app shows now.');
      }
    }
    return this.exclusively(async () => {
      const epoch = this.epoch;
      const requestedAt = this.clock.now();
      let result: SignInOutput;
      try {
        result = await this.amplify.confirm(response);
      } catch (error) {
        const failure = sessionErrorFrom(error, answer.step);
        this.log(
          `session: ${stepWords(answer.step)} for ${state.username} refused: ${describeCognitoError(error)}`,
        );
        if (challengeIsOver(error)) this.replace({ status: 'signed-out' });
        throw failure;
      }
      return this.advance(epoch, result, state.username, requestedAt);
    });
  }

  /**
   * Ends the session: revokes this station's refresh token at Cognito (with `everywhere`, every
   * session of the user: GlobalSignOut), then always forgets it here and deletes the saved file.
   * When Cognito cannot be reached, the notice says so; the local sign-out still happens.
   */
  async signOut(options: { everywhere?: boolean } = {}): Promise<SessionView> {
    await this.amplify.ready;
    const state = this.state;
    this.invalidate();
    let notice: string | null = null;
    if (state.status === 'signed-in') {
      const outcome = await this.revoke(options.everywhere === true);
      if (!outcome.ok) {
        const until = new Date(reauthenticateBy(this.profile, state)).toLocaleString();
        notice = `Signed out on this station, but Cognito could not end the session (${outcome.reason}). It stays valid at Cognito until ${until} unless an administrator signs you out everywhere.`;
        this.log(
          `session: ${state.identity.username} signed out locally; revocation failed: ${outcome.reason}`,
        );
      } else {
        this.log(`session: ${state.identity.username} signed out${options.everywhere ? ' everywhere' : ''}`);
      }
    }
    await this.forgetLocally();
    this.lastingNotice = null;
    try {
      await this.file.delete();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      this.log(`session: could not delete the saved session file (${code})`);
      notice = `${notice ? `${notice} ` : ''}The saved sign-in file ${this.file.path} could not be deleted (${code}); delete it by hand.`;
    }
    this.passingNotice = notice;
    this.replace({ status: 'signed-out' });
    return this.view();
  }

  /** The current session is replaced: late results of it are dropped, its renewal timer stopped. */
  private invalidate(): void {
    this.epoch++;
    this.cancelRenewal?.();
    this.cancelRenewal = undefined;
  }

  /**
   * For @aws-sdk v3 clients: the identity pool's current IAM credentials. Renewed before they
   * expire (a timer does it ahead of time; a call that finds them due renews them first), so a
   * batch running for hours never stalls. Throws a SessionError when the session is gone.
   */
  credentialProvider(): AwsCredentialIdentityProvider {
    return async (): Promise<AwsCredentialIdentity> => {
      await this.amplify.ready;
      let state = this.signedIn();
      const due =
        !isUsable(state.credentials, this.clock.now()) ||
        this.clock.now() >= credentialsDueAt(state.credentials);
      // A standing refusal (no role for this account) waits for the next scheduled renewal.
      if (due && !(state.credentialsRefusal && !state.credentials)) {
        try {
          await this.renew();
        } catch (error) {
          state = this.signedIn();
          if (!isUsable(state.credentials, this.clock.now())) {
            throw error instanceof SessionError ? error : sessionErrorFrom(error, 'refresh');
          }
        }
        state = this.signedIn();
      }
      const held = state.credentials;
      if (isUsable(held, this.clock.now())) {
        return {
          accessKeyId: held.accessKeyId,
          secretAccessKey: held.secretAccessKey,
          ...(held.sessionToken ? { sessionToken: held.sessionToken } : {}),
          expiration: new Date(held.expiresAt),
        };
      }
      const refusal = state.credentialsRefusal;
      if (refusal) throw new SessionError(refusal.message, refusal.awsErrorName);
      throw new SessionError(
        'AWS credentials for this session are not available yet. Check the network, then try again.',
      );
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.invalidate();
    this.amplify.dispose();
    this.state = { status: 'signed-out' };
    this.removeAllListeners();
    liveSessions.delete(this);
  }

  // ── sign-in steps ────────────────────────────────────────────────────────────────────────────

  /** `requestedAt`: when the call that produced `result` began; tokens were issued no earlier. */
  private async advance(
    epoch: number,
    result: SignInOutput,
    username: string,
    requestedAt: number,
  ): Promise<SessionView> {
    const move = nextMove(result, username);
    switch (move.kind) {
      case 'done': {
        let tokens: AuthTokens | null;
        try {
          tokens = await this.amplify.currentTokens();
        } catch (error) {
          throw this.failSignIn(error, username);
        }
        if (!tokens) throw this.failSignIn(new Error('Cognito returned no tokens'), username);
        // The refresh token was issued after `requestedAt`: counting from it errs early.
        return this.finishSignIn(epoch, requestedAt, tokens, requestedAt);
      }
      case 'ask':
        return this.askFor(username, move.step, move.totpSetup);
      case 'choose-totp': {
        const choiceRequestedAt = this.clock.now();
        let chosen: SignInOutput;
        try {
          chosen = await this.amplify.confirm('TOTP');
        } catch (error) {
          throw this.failSignIn(error, username);
        }
        return this.advance(epoch, chosen, username, choiceRequestedAt);
      }
      case 'refuse':
        this.log(
          `session: sign-in of ${username} stopped at a step the station does not support (${move.signInStep})`,
        );
        if (this.state.status !== 'signed-out') this.replace({ status: 'signed-out' });
        throw new SessionError(`${move.sentence} (Cognito step: ${move.signInStep})`, move.signInStep);
    }
  }

  private askFor(
    username: string,
    step: SessionStep,
    totpSetup?: { secret: string; otpauthUri: string },
  ): SessionView {
    this.log(`session: ${username} must give ${stepWords(step)}`);
    this.replace({ status: 'challenge', username, step, ...(totpSetup ? { totpSetup } : {}) });
    return this.view();
  }

  /** Tokens in hand: learn who signed in, get credentials, remember the session, schedule renewal. */
  private async finishSignIn(
    epoch: number,
    signedInAt: number,
    tokens: AuthTokens,
    requestedAt: number,
  ): Promise<SessionView> {
    const identity = identityFromIdToken(tokens);
    if (!identity) {
      await this.forgetLocally();
      this.replace({ status: 'signed-out' });
      throw new SessionError(
        'Cognito signed you in but its ID token lacks the username or sub. Ask your AWS administrator to check the app client (openid scope).',
      );
    }
    const times = tokenTimes(tokens, requestedAt);
    const credentials = await this.fetchCredentials(times, identity.username);
    if (epoch !== this.epoch) return this.abandoned();
    const state: SignedIn = {
      status: 'signed-in',
      identity,
      signedInAt,
      tokens: times,
      credentials: credentials.held,
      credentialsRefusal: credentials.refusal,
      remembered: false,
    };
    this.passingNotice = credentials.notice;
    state.remembered = await this.remember(state);
    if (epoch !== this.epoch) return this.abandoned();
    this.replace(state);
    this.scheduleRenewal(state);
    const may = mayProvision(this.profile, identity) ? 'may provision' : 'may not provision';
    this.log(
      `session: ${identity.username} signed in (groups: ${identity.groups.join(', ') || 'none'}; ${may}; remembered: ${state.remembered ? 'yes' : 'no'})`,
    );
    return this.view();
  }

  // ── credentials and renewal ──────────────────────────────────────────────────────────────────

  private async fetchCredentials(times: TokenTimes, username: string): Promise<CredentialsOutcome> {
    const outcome = await obtainCredentials(this.amplify, times.drift, () => this.clock.now());
    if (outcome.problem) this.log(`session: no AWS credentials for ${username}: ${outcome.problem}`);
    return outcome;
  }

  /** One renewal at a time: new tokens from the refresh token, then credentials from the new ID token. */
  private renew(): Promise<void> {
    this.renewing ??= this.runRenewal().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async runRenewal(): Promise<void> {
    const epoch = this.epoch;
    const before = this.signedIn();
    const requestedAt = this.clock.now();
    let refreshed: { tokens: AuthTokens } | { refused: string };
    try {
      refreshed = await this.amplify.refreshTokens();
    } catch (error) {
      if (epoch !== this.epoch) throw this.sessionGone();
      const failure = sessionErrorFrom(error, 'refresh');
      this.log(
        `session: renewal failed, retrying in ${RENEWAL_RETRY_MS / 1000} s: ${describeCognitoError(error)}`,
      );
      this.scheduleAt(this.clock.now() + RENEWAL_RETRY_MS);
      const until = before.credentials
        ? ` AWS credentials stay valid until ${new Date(before.credentials.expiresAt).toLocaleTimeString()}.`
        : '';
      this.passingNotice = `The session could not be renewed; the station keeps trying. ${failure.message}${until}`;
      this.replace(before);
      throw failure;
    }
    if (epoch !== this.epoch) throw this.sessionGone();
    if ('refused' in refreshed) {
      await this.endSession(before, refreshed.refused);
      throw this.sessionGone();
    }
    const { tokens } = refreshed;
    const times = tokenTimes(tokens, requestedAt);
    const identity = identityFromIdToken(tokens) ?? before.identity;
    const credentials = await this.fetchCredentials(times, identity.username);
    if (epoch !== this.epoch) throw this.sessionGone();
    const state: SignedIn = {
      ...before,
      identity,
      tokens: times,
      // After a failure the previous credentials stay: they may still have some life.
      credentials: credentials.held ?? before.credentials,
      credentialsRefusal: credentials.held ? undefined : credentials.refusal,
    };
    if (before.remembered) state.remembered = await this.remember(state);
    if (epoch !== this.epoch) throw this.sessionGone();
    this.passingNotice = credentials.notice;
    this.replace(state);
    if (credentials.held || !before.credentials) this.scheduleRenewal(state);
    else this.scheduleAt(this.clock.now() + RENEWAL_RETRY_MS);
    const next = Math.round((renewalDueAt(state.tokens, state.credentials) - this.clock.now()) / 1000);
    this.log(`session: renewed the session of ${identity.username}; next renewal in ${next} s`);
  }

  private scheduleRenewal(state: SignedIn): void {
    this.scheduleAt(renewalDueAt(state.tokens, state.credentials));
  }

  private scheduleAt(at: number): void {
    this.cancelRenewal?.();
    const epoch = this.epoch;
    this.cancelRenewal = this.clock.setTimer(Math.max(0, at - this.clock.now()), () => {
      this.cancelRenewal = undefined;
      if (epoch !== this.epoch || this.state.status !== 'signed-in') return;
      // Failures are logged and rescheduled inside; the operator hears of them when it matters.
      this.renew().catch(() => undefined);
    });
  }

  /** The refresh token is gone (expired or revoked): forget everything and tell the operator. */
  private async endSession(state: SignedIn, reason: string): Promise<void> {
    this.invalidate();
    await this.forgetLocally();
    await this.file.delete().catch(() => undefined);
    this.log(`session: the session of ${state.identity.username} has ended (${reason})`);
    this.lastingNotice = null;
    this.passingNotice = `Your session has ended (${reason}). Sign in again.`;
    this.replace({ status: 'signed-out' });
  }

  // ── persistence and revocation ───────────────────────────────────────────────────────────────

  /** Saves the session encrypted; false (with a notice) when it cannot be, never plaintext. */
  private async remember(state: SignedIn): Promise<boolean> {
    if (!this.file.canStore()) {
      this.lastingNotice = NO_KEYRING_NOTICE;
      return false;
    }
    const items = Object.fromEntries(
      // The ID token is not needed to use the refresh token; keep no more on disk than that.
      Object.entries(this.amplify.storage.snapshot()).filter(([key]) => !key.endsWith('.idToken')),
    );
    try {
      await this.file.save({
        version: 1,
        userPoolId: this.profile.cognito.userPoolId,
        userPoolClientId: this.profile.cognito.userPoolClientId,
        username: state.identity.username,
        signedInAt: state.signedInAt,
        items,
      });
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      this.log(`session: could not save the session for a restart (${code})`);
      this.lastingNotice = `Your session could not be saved for a restart (${code}): you will sign in again after one.`;
      return false;
    }
  }

  private async revoke(everywhere: boolean): Promise<RevocationOutcome> {
    const state = this.state;
    if (
      everywhere &&
      state.status === 'signed-in' &&
      this.clock.now() >= state.tokens.expiresAt - CREDENTIALS_SAFETY_MS
    ) {
      // GlobalSignOut needs a live access token.
      await this.amplify.refreshTokens().catch(() => undefined);
    }
    return endSessionAtCognito(this.revocationTarget, this.amplify.storage, everywhere);
  }

  private forgetLocally(): Promise<void> {
    return this.amplify.forget();
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────────────────

  private failSignIn(error: unknown, username: string): SessionError {
    const failure = sessionErrorFrom(error, 'sign-in');
    this.log(`session: sign-in of ${username} failed: ${describeCognitoError(error)}`);
    if (this.state.status !== 'signed-out') this.replace({ status: 'signed-out' });
    return failure;
  }

  private signedIn(): SignedIn {
    const state = this.state;
    if (state.status !== 'signed-in') throw this.sessionGone();
    return state;
  }

  private sessionGone(): SessionError {
    const why = this.passingNotice && this.state.status === 'signed-out' ? ` ${this.passingNotice}` : '';
    return new SessionError(
      `No operator is signed in on this station, so AWS cannot be called.${why || ' Sign in again.'}`,
    );
  }

  /** A sign-in finished after a sign-out or dispose: whatever Amplify stored for it is dropped. */
  private async abandoned(): Promise<SessionView> {
    await this.forgetLocally();
    return this.view();
  }

  private settle(notice: string | null): SessionView {
    this.lastingNotice = null;
    this.passingNotice = notice;
    this.emit('changed', this.view());
    return this.view();
  }

  private replace(state: SessionState): void {
    this.state = state;
    if (!this.disposed) this.emit('changed', this.view());
  }

  /** One sign-in, answer or restore at a time: Amplify holds a single sign-in flow. */
  private async exclusively(operation: () => Promise<SessionView>): Promise<SessionView> {
    if (this.busy) throw new SessionError('A sign-in is already in progress. Wait for it to finish.');
    this.busy = true;
    try {
      return await operation();
    } finally {
      this.busy = false;
    }
  }
}
