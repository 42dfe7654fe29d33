import { Amplify } from 'aws-amplify';
import {
  confirmSignIn,
  fetchAuthSession,
  signIn,
  signOut,
  type AuthTokens,
  type SignInOutput,
} from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { Hub } from 'aws-amplify/utils';
import type { StationProfile } from '../../../shared/station-profile-schema.js';
import { describeCognitoError } from './cognito-error-message.js';
import { MemoryTokenStorage } from './memory-token-storage.js';

/** Refresh failures after which Amplify has dropped the tokens (its `isAuthenticationError`). */
const SESSION_ENDING_ERRORS = new Set([
  'NotAuthorizedException',
  'TokenRevokedException',
  'UserNotFoundException',
  'PasswordResetRequiredException',
  'UserNotConfirmedException',
  'RefreshTokenReuseException',
]);

export type AmplifyCredentials = NonNullable<Awaited<ReturnType<typeof fetchAuthSession>>['credentials']>;

/**
 * The Amplify v6 calls the session makes, in one place. Amplify is a process-wide singleton — its
 * configuration, token store and credentials cache live in module state — so constructing this
 * configures it for the profile and gives it a token storage of ours, in memory.
 */
export class AmplifyAuth {
  readonly storage = new MemoryTokenStorage();
  /** Resolves once state left by an earlier session in this process is cleared. */
  readonly ready: Promise<void>;
  private readonly stopListening: () => void;
  /** What Amplify reported (Hub `tokenRefresh_failure`) for a refresh it then answered with null. */
  private lastRefreshFailure: unknown;
  private disposed = false;

  constructor(profile: StationProfile) {
    const { cognito } = profile;
    Amplify.configure({
      Auth: {
        Cognito: {
          userPoolId: cognito.userPoolId,
          userPoolClientId: cognito.userPoolClientId,
          identityPoolId: cognito.identityPoolId,
          allowGuestAccess: false,
          ...(cognito.userPoolEndpoint ? { userPoolEndpoint: cognito.userPoolEndpoint } : {}),
          ...(cognito.identityPoolEndpoint ? { identityPoolEndpoint: cognito.identityPoolEndpoint } : {}),
        },
      },
    });
    // After configure, which installs Amplify's default storage.
    cognitoUserPoolsTokenProvider.setKeyValueStorage(this.storage);
    this.stopListening = Hub.listen('auth', ({ payload }) => {
      if (payload.event === 'tokenRefresh_failure') this.lastRefreshFailure = payload.data?.error;
    });
    // A local sign-out over the empty storage makes no network call; it clears the credentials and
    // identity id Amplify may still cache from an earlier session in this process.
    this.ready = signOut().catch(() => undefined);
  }

  /** Amplify's default flow: USER_SRP_AUTH. */
  signIn(username: string, password: string): Promise<SignInOutput> {
    return signIn({ username, password });
  }

  confirm(challengeResponse: string): Promise<SignInOutput> {
    return confirmSignIn({ challengeResponse });
  }

  /** The tokens just stored by a finished sign-in. */
  currentTokens(): Promise<AuthTokens | null> {
    return cognitoUserPoolsTokenProvider.getTokens();
  }

  /**
   * New tokens from the refresh token in storage. `refused` (with Cognito's error) when Cognito
   * turned the refresh token down — expired or revoked; throws for passing failures (network).
   */
  async refreshTokens(): Promise<{ tokens: AuthTokens } | { refused: string }> {
    this.lastRefreshFailure = undefined;
    let tokens: AuthTokens | null;
    try {
      tokens = await cognitoUserPoolsTokenProvider.getTokens({ forceRefresh: true });
    } catch (error) {
      // These Amplify throws after clearing its tokens: the session is as gone as after a refusal.
      if (error instanceof Error && SESSION_ENDING_ERRORS.has(error.name)) {
        return { refused: describeCognitoError(error) };
      }
      throw error;
    }
    if (tokens) return { tokens };
    // Amplify answers a refused refresh token with null, having cleared its tokens.
    return { refused: this.lastRefreshFailure ? describeCognitoError(this.lastRefreshFailure) : 'no tokens' };
  }

  /**
   * Identity-pool credentials for the current ID token. Amplify fetches new ones whenever the ID
   * token changed (so after every refresh) and otherwise serves its cache.
   */
  async credentials(): Promise<AmplifyCredentials | undefined> {
    return (await fetchAuthSession()).credentials;
  }

  /** Forgets tokens and credentials in this process; no network call. */
  async forget(): Promise<void> {
    this.storage.forget();
    // After dispose(), Amplify may already serve the next session: leave it alone.
    if (!this.disposed) await signOut().catch(() => undefined);
  }

  dispose(): void {
    this.disposed = true;
    this.stopListening();
    this.storage.forget();
  }
}
