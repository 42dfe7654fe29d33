import { useStationStore } from '../../store/use-station-state.js';
import { OneTimeCodeField } from './OneTimeCodeField.js';
import { StepFooter } from './StepFooter.js';
import { useOneTimeCodeSubmit } from './use-one-time-code-submit.js';
import type { ChallengeStepProps } from './use-sign-in-call.js';

/** The account has an authenticator app: its current 6-digit code finishes the sign-in. */
export function TotpCodeStep({ username, call, onStartAgain }: ChallengeStepProps) {
  const store = useStationStore();
  const { code, setCode, codeRef, message, onSubmit } = useOneTimeCodeSubmit(call, (typed) =>
    store.api.session.answer({ step: 'totp-code', code: typed }),
  );

  return (
    <form className="stack sign-in-form" onSubmit={(event) => void onSubmit(event)} noValidate>
      <h2>Enter your authenticator code</h2>
      <p id="totp-code-help">
        Open the authenticator app on your phone and type the 6-digit code it shows for{' '}
        {username ? <strong>{username}</strong> : 'this account'}. The code changes every 30 seconds.
      </p>
      <OneTimeCodeField
        id="totp-code"
        value={code}
        onChange={setCode}
        inputRef={codeRef}
        invalid={message !== null}
        describedBy={message !== null ? 'totp-code-help sign-in-error' : 'totp-code-help'}
      />
      <StepFooter
        message={message}
        busy={call.busy}
        submitLabel="Sign in"
        busyLabel="Checking…"
        submitTestId="totp-code-submit"
        onStartAgain={onStartAgain}
      />
    </form>
  );
}
