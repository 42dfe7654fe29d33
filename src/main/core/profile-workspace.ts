import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { StationProfile } from '../../shared/station-profile-schema.js';
import { createProvisioningStack, type ProvisioningStack } from './batch/provisioning-stack.js';
import { OperatorSession } from './session/operator-session.js';
import type { SecretStorage } from './session/secret-storage.js';
import type { Clock } from './time/clock.js';

export interface ProfileWorkspaceOptions {
  profile: StationProfile;
  /** The station's data folder; each profile's session and journal live in profiles/<key>/ below it. */
  dataDirectory: string;
  secretStorage: SecretStorage | null;
  stationId: string;
  log: (line: string) => void;
  clock?: Clock;
}

/**
 * Everything that belongs to one AWS side (one profile): the operator session and the
 * provisioning stack on its credentials. Switching profiles closes one workspace and opens another.
 */
export class ProfileWorkspace {
  readonly session: OperatorSession;
  readonly stack: ProvisioningStack;

  constructor(readonly options: ProfileWorkspaceOptions) {
    const { profile } = options;
    // A refresh token belongs to one user pool, and a batch to one account: each profile's session
    // and journal live apart, so a batch left open on the sandbox never reopens against AWS.
    const folder = join(options.dataDirectory, 'profiles', profileKey(profile));
    this.session = new OperatorSession({
      profile,
      dataDirectory: folder,
      secretStorage: options.secretStorage,
      log: options.log,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    this.stack = createProvisioningStack({
      profile,
      credentials: this.session.credentialProvider(),
      // Only an installer is an operator: a visitor signed in on the station provisions nothing.
      operator: () => {
        const identity = this.session.operator();
        if (!identity || !this.session.view().mayProvision) return undefined;
        return { username: identity.username, sub: identity.sub };
      },
      dataDirectory: folder,
      stationId: options.stationId,
      log: options.log,
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  get profile(): StationProfile {
    return this.options.profile;
  }

  async close(): Promise<void> {
    await this.stack.close();
    this.session.dispose();
  }
}

/** Which folder under profiles/ a profile's session and journal live in: one per user pool client. */
export function profileKey(profile: {
  region: string;
  cognito: Pick<StationProfile['cognito'], 'userPoolId' | 'userPoolClientId'>;
}): string {
  return createHash('sha256')
    .update(`${profile.region}\n${profile.cognito.userPoolId}\n${profile.cognito.userPoolClientId}`)
    .digest('hex')
    .slice(0, 16);
}
