import type { ProfileView } from '../../../../shared/view-models.js';
import { ProfileSwitchError } from './ProfileSwitchError.js';
import type { ProfileSwitch } from './use-profile-switch.js';

/** The sandbox this station can start by itself: the whole AWS side on this computer. */
export function SandboxChoice({
  profile,
  profileSwitch,
}: {
  profile: ProfileView;
  profileSwitch: ProfileSwitch;
}) {
  const inUse = profile.configured && profile.kind === 'sandbox' && profile.source === 'embedded';
  const error = profileSwitch.error?.way === 'sandbox' ? profileSwitch.error.message : null;
  return (
    <section className="profile-way" aria-labelledby="profile-sandbox-heading" data-testid="profile-sandbox">
      <h3 id="profile-sandbox-heading">Embedded sandbox</h3>
      <p>
        Cognito, AWS IoT and simulated devices, all on this computer: for training and trying things out.
        Nothing reaches AWS.
      </p>
      {inUse ? (
        <p className="state-ok">
          <span aria-hidden="true">✔</span> In use now.
        </p>
      ) : (
        <div className="button-row">
          <button
            type="button"
            disabled={profileSwitch.busy !== null}
            onClick={() => void profileSwitch.use({ kind: 'sandbox' }, 'sandbox')}
            data-testid="profile-use-sandbox"
          >
            {profileSwitch.busy === 'sandbox' ? 'Starting the sandbox…' : 'Use the embedded sandbox'}
          </button>
        </div>
      )}
      <ProfileSwitchError id="profile-sandbox-error" message={error} />
    </section>
  );
}
