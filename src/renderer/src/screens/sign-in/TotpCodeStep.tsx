import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useStationStore } from '../../store/use-station-state.js';
import { OneTimeCodeField } from './OneTimeCodeField.js';
import { SignInError } from './SignInError.js';
import { oneTimeCodeProblem } from './one-time-code.js';
import type { SignInCall } from './use-sign-in-call.js';

/** The account has an authenticator app: its current 6-digit code finishes the sign-in. */
export function TotpCodeStep({
  username,
  call,
  onStartAgain,
}: {
  username: string | null;
  call: SignInCall;
  onStartAgain: () => void;
}) {
  const store = useStationStore();
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const codeRef = useRef<HTMLInputElement>(null);

  useEffect(() => codeRef.current?.focus(), []);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const found = oneTimeCodeProblem(code);
    setProblem(found);
    if (found) {
      codeRef.current?.focus();
      return;
    }
    const result = await call.run(() => store.api.session.answer({ step: 'totp-code', code }));
    // A wrong or expired code: the next one is typed fresh.
    if (result && !result.ok) {
      setCode('');
      codeRef.current?.focus();
    }
  };

  const message = problem ?? call.error;
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
      <SignInError id="sign-in-error" message={message} />
      <div className="button-row">
        <button type="submit" disabled={call.busy} data-testid="totp-code-submit">
          {call.busy ? 'Checking…' : 'Sign in'}
        </button>
        <button type="button" className="secondary" disabled={call.busy} onClick={onStartAgain}>
          Start again
        </button>
      </div>
    </form>
  );
}
