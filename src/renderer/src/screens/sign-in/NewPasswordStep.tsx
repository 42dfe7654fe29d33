import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useStationStore } from '../../store/use-station-state.js';
import { StepFooter } from './StepFooter.js';
import { newPasswordCheck, newPasswordProblem } from './new-password-check.js';
import type { ChallengeStepProps } from './use-sign-in-call.js';

/**
 * The account has a temporary password: the operator chooses their own. The two fields are
 * compared as they type; the pool's password policy is Cognito's, and its refusal is main's error.
 */
export function NewPasswordStep({ username, call, onStartAgain }: ChallengeStepProps) {
  const store = useStationStore();
  const [newPassword, setNewPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [showPasswords, setShowPasswords] = useState(false);
  const [problem, setProblem] = useState<ReturnType<typeof newPasswordProblem>>(null);
  const newRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);

  useEffect(() => newRef.current?.focus(), []);

  const check = newPasswordCheck(newPassword, confirmation);
  const message = problem?.message ?? call.error;
  const mismatch = check.state === 'mismatch' || problem?.field === 'confirm-password';

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const found = newPasswordProblem(newPassword, confirmation);
    setProblem(found);
    if (found) {
      (found.field === 'new-password' ? newRef : confirmRef).current?.focus();
      return;
    }
    await call.run(() => store.api.session.answer({ step: 'new-password', newPassword }));
  };

  return (
    <form className="stack sign-in-form" onSubmit={(event) => void onSubmit(event)} noValidate>
      <h2 id="new-password-heading">Choose a new password</h2>
      <p>
        {username ? (
          <>
            <strong>{username}</strong> has a temporary password.
          </>
        ) : (
          'This account has a temporary password.'
        )}{' '}
        Choose your own password; you will use it from now on.
      </p>
      {/* For password managers: the account the new password belongs to. */}
      <input type="text" hidden readOnly autoComplete="username" value={username ?? ''} />
      <label htmlFor="new-password">New password</label>
      <input
        id="new-password"
        ref={newRef}
        type={showPasswords ? 'text' : 'password'}
        value={newPassword}
        onChange={(event) => setNewPassword(event.target.value)}
        autoComplete="new-password"
        aria-invalid={problem?.field === 'new-password' || undefined}
        data-testid="new-password"
      />
      <label htmlFor="confirm-password">Type the new password again</label>
      <input
        id="confirm-password"
        ref={confirmRef}
        type={showPasswords ? 'text' : 'password'}
        value={confirmation}
        onChange={(event) => setConfirmation(event.target.value)}
        autoComplete="new-password"
        aria-invalid={mismatch || undefined}
        aria-describedby="confirm-password-check"
        data-testid="confirm-password"
      />
      <p
        id="confirm-password-check"
        className={`password-check check-${check.state}`}
        role="status"
        data-testid="confirm-password-check"
      >
        {check.message && (
          <>
            <span aria-hidden="true">
              {check.state === 'match' ? '✔' : check.state === 'mismatch' ? '✖' : '…'}
            </span>{' '}
            {check.message}
          </>
        )}
      </p>
      <label className="checkbox-line">
        <input
          type="checkbox"
          checked={showPasswords}
          onChange={(event) => setShowPasswords(event.target.checked)}
        />
        Show passwords
      </label>
      <StepFooter
        message={message}
        busy={call.busy}
        submitLabel="Set new password"
        busyLabel="Saving…"
        submitTestId="new-password-submit"
        onStartAgain={onStartAgain}
      />
    </form>
  );
}
