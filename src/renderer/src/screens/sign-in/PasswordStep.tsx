import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useStationStore } from '../../store/use-station-state.js';
import { StepFooter } from './StepFooter.js';
import { saysPasswordIsWrong, signInFormProblem } from './sign-in-form-check.js';
import type { SignInCall } from './use-sign-in-call.js';

/** Username and password. The username lives with the screen, so it survives a challenge that ends. */
export function PasswordStep({
  username,
  onUsernameChange,
  call,
}: {
  username: string;
  onUsernameChange: (username: string) => void;
  call: SignInCall;
}) {
  const store = useStationStore();
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [problem, setProblem] = useState<ReturnType<typeof signInFormProblem>>(null);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  // With the username kept from an earlier try, the password is what is left to type.
  const [firstField] = useState(() => (username.trim() === '' ? usernameRef : passwordRef));

  useEffect(() => firstField.current?.focus(), [firstField]);

  const message = problem?.message ?? call.error;
  const passwordWrong = call.error !== null && saysPasswordIsWrong(call.error);
  const invalid = (field: 'username' | 'password') =>
    problem?.field === field || (field === 'password' && problem === null && passwordWrong);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const found = signInFormProblem(username, password);
    setProblem(found);
    if (found) {
      (found.field === 'username' ? usernameRef : passwordRef).current?.focus();
      return;
    }
    const result = await call.run(() => store.api.session.signIn({ username, password }));
    if (result && !result.ok && saysPasswordIsWrong(result.error.message)) {
      setPassword('');
      passwordRef.current?.focus();
    }
  };

  return (
    <form className="stack sign-in-form" onSubmit={(event) => void onSubmit(event)} noValidate>
      <label htmlFor="sign-in-username">Username</label>
      <input
        id="sign-in-username"
        ref={usernameRef}
        value={username}
        onChange={(event) => onUsernameChange(event.target.value)}
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        aria-invalid={invalid('username') || undefined}
        aria-describedby={invalid('username') ? 'sign-in-error' : undefined}
        data-testid="sign-in-username"
      />
      <label htmlFor="sign-in-password">Password</label>
      <input
        id="sign-in-password"
        ref={passwordRef}
        type={showPassword ? 'text' : 'password'}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        autoComplete="current-password"
        aria-invalid={invalid('password') || undefined}
        aria-describedby={invalid('password') ? 'sign-in-error' : undefined}
        data-testid="sign-in-password"
      />
      <label className="checkbox-line">
        <input
          type="checkbox"
          checked={showPassword}
          onChange={(event) => setShowPassword(event.target.checked)}
        />
        Show password
      </label>
      <StepFooter
        message={message}
        busy={call.busy}
        submitLabel="Sign in"
        busyLabel="Signing in…"
        submitTestId="sign-in-submit"
      />
    </form>
  );
}
