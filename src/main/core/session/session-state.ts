import { installersGroupOf, type StationProfile } from '../../../shared/station-profile-schema.js';
import type { SessionStepName as SessionStep, SessionView } from '../../../shared/view-models.js';
import type { OperatorIdentity } from './operator-identity.js';
import type { SessionError } from './session-error.js';
import type { HeldCredentials, TokenTimes } from './session-tokens.js';

/** Where the operator session stands, and the view of it the renderer may see. */

export type SessionState =
  | { status: 'signed-out' }
  | {
      status: 'challenge';
      username: string;
      step: SessionStep;
      totpSetup?: { secret: string; otpauthUri: string };
    }
  | SignedIn;

export interface SignedIn {
  status: 'signed-in';
  identity: OperatorIdentity;
  /** Local time of the password sign-in; the refresh token's lifetime counts from it. */
  signedInAt: number;
  tokens: TokenTimes;
  credentials: HeldCredentials | undefined;
  /** Why the identity pool gives this account no credentials (e.g. a Deny role mapping). */
  credentialsRefusal: SessionError | undefined;
  remembered: boolean;
}

/** Cognito's default refresh token expiration. */
const DEFAULT_REFRESH_TOKEN_VALIDITY_SECONDS = 30 * 24 * 3600;

/** When the refresh token ends (its lifetime is the app client's setting, not readable from it). */
export function reauthenticateBy(profile: StationProfile, state: SignedIn): number {
  const validity = profile.cognito.refreshTokenValiditySeconds ?? DEFAULT_REFRESH_TOKEN_VALIDITY_SECONDS;
  return state.signedInAt + validity * 1000;
}

export function mayProvision(profile: StationProfile, identity: OperatorIdentity): boolean {
  return identity.groups.includes(installersGroupOf(profile.cognito));
}

/** Nobody signed in, with a sentence for the operator or none. */
export function signedOutView(notice: string | null): SessionView {
  return {
    status: 'signed-out',
    username: null,
    groups: [],
    mayProvision: false,
    reauthenticateBy: null,
    step: null,
    remembered: false,
    notice,
  };
}

/** Names, groups, steps and times only: no token, no credential. */
export function sessionViewOf(
  state: SessionState,
  notice: string | null,
  profile: StationProfile,
): SessionView {
  switch (state.status) {
    case 'signed-out':
      return signedOutView(notice);
    case 'challenge':
      return {
        status: 'challenge',
        username: state.username,
        groups: [],
        mayProvision: false,
        reauthenticateBy: null,
        step: state.step,
        ...(state.totpSetup ? { totpSetup: { ...state.totpSetup } } : {}),
        remembered: false,
        notice,
      };
    case 'signed-in':
      return {
        status: 'signed-in',
        username: state.identity.username,
        groups: [...state.identity.groups],
        mayProvision: mayProvision(profile, state.identity),
        reauthenticateBy: reauthenticateBy(profile, state),
        step: null,
        remembered: state.remembered,
        notice,
      };
  }
}
