import { useStationState } from '../store/use-station-state.js';
import { CurrentProfile } from './profile/CurrentProfile.js';
import { ProfileFieldsForm } from './profile/ProfileFieldsForm.js';
import { ProfileFileImport } from './profile/ProfileFileImport.js';
import { SandboxChoice } from './profile/SandboxChoice.js';
import { useProfileSwitch } from './profile/use-profile-switch.js';
import './profile/profile.css';

/**
 * Which AWS side the station talks to, and the ways to change it: the embedded sandbox, a file
 * (amplify_outputs.json or a station profile), or the settings typed in. The App also shows this
 * screen whenever no profile is configured.
 */
export function ProfileScreen() {
  const { profile } = useStationState();
  const profileSwitch = useProfileSwitch();

  return (
    <main className="screen profile-screen" aria-labelledby="profile-heading">
      <h1 id="profile-heading">AWS profile</h1>
      <CurrentProfile profile={profile} />
      <section className="panel" aria-labelledby="profile-switch-heading" data-testid="profile-switch">
        <h2 id="profile-switch-heading">
          {profile?.configured ? 'Use another profile' : 'Choose a profile'}
        </h2>
        {profile?.source === 'command-line' && (
          <p className="profile-note" data-testid="profile-command-line-note">
            <span aria-hidden="true">ℹ</span> This profile was given when the station was started. A switch
            here applies to this run only: the next start uses the profile given at start again.
          </p>
        )}
        <p className="field-hint">
          Switching signs the operator out: whoever works next signs in to the new side. A batch that is open
          must be finished or cancelled first.
        </p>
        <div className="profile-ways">
          {profile?.sandboxAvailable && <SandboxChoice profile={profile} profileSwitch={profileSwitch} />}
          <ProfileFileImport profileSwitch={profileSwitch} />
          <ProfileFieldsForm profileSwitch={profileSwitch} />
        </div>
      </section>
    </main>
  );
}
