import { useState } from 'react';
import { useNavigate } from '../navigation/route.js';
import { useStationState, useStationStore } from '../store/use-station-state.js';
import { NewPasswordStep } from './sign-in/NewPasswordStep.js';
import { PasswordStep } from './sign-in/PasswordStep.js';
import { SandboxUsersHint } from './sign-in/SandboxUsersHint.js';
import { TotpCodeStep } from './sign-in/TotpCodeStep.js';
import { TotpSetupStep } from './sign-in/TotpSetupStep.js';
import { useSignInCall } from './sign-in/use-sign-in-call.js';
import './sign-in/sign-in.css';

/**
 * Sign-in with Amazon Cognito, step by step as main's session says: username and password, then
 * whatever Cognito asks next (a new password, setting up an authenticator app, its code). The
 * step shown is the session's, so a challenge waiting after a reload is shown as it is.
 */
export function SignInScreen() {
  const { session, profile } = useStationState();
  const store = useStationStore();
  const navigate = useNavigate();
  const call = useSignInCall();
  const [username, setUsername] = useState(session?.username ?? '');

  const step = session?.status === 'challenge' ? session.step : null;
  const sandboxHint = profile?.configured === true && profile.kind === 'sandbox';
  const startAgain = () => void call.run(() => store.api.session.signOut());

  return (
    <main
      className={`screen sign-in-screen${sandboxHint ? ' with-hint' : ''}`}
      aria-labelledby="sign-in-heading"
    >
      <div className="panel sign-in-panel" data-testid="sign-in">
        <h1 id="sign-in-heading">Sign in</h1>
        {profile?.configured && (
          <p className={`sign-in-side ${profile.kind}`} data-testid="sign-in-profile">
            {profile.kind === 'sandbox' ? (
              <strong className="sign-in-side-kind">
                <span aria-hidden="true">⚠</span> Sandbox on this computer — not AWS
              </strong>
            ) : (
              <strong className="sign-in-side-kind">
                <span aria-hidden="true">☁</span> AWS, a real account · {profile.region}
              </strong>
            )}
            <span className="sign-in-side-name">
              Profile: {profile.name}{' '}
              <button type="button" className="link-button" onClick={() => navigate({ name: 'profile' })}>
                Use another profile
              </button>
            </span>
          </p>
        )}
        {session?.notice && (
          <p className="sign-in-notice" role="status" data-testid="sign-in-notice">
            <span aria-hidden="true">ℹ</span> {session.notice}
          </p>
        )}
        {step === 'new-password' ? (
          <NewPasswordStep
            key={step}
            username={session?.username ?? null}
            call={call}
            onStartAgain={startAgain}
          />
        ) : step === 'totp-setup' ? (
          <TotpSetupStep
            key={step}
            username={session?.username ?? null}
            setup={session?.totpSetup}
            call={call}
            onStartAgain={startAgain}
          />
        ) : step === 'totp-code' ? (
          <TotpCodeStep
            key={step}
            username={session?.username ?? null}
            call={call}
            onStartAgain={startAgain}
          />
        ) : (
          <PasswordStep key="password" username={username} onUsernameChange={setUsername} call={call} />
        )}
      </div>
      {sandboxHint && <SandboxUsersHint />}
    </main>
  );
}
