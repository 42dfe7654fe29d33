import { SignInError } from './SignInError.js';

export interface StepFooterProps {
  /** The refusal to show beside the form (its id is what fields' aria-describedby name). */
  message: string | null;
  busy: boolean;
  submitLabel: string;
  busyLabel: string;
  submitTestId: string;
  /** Leaves a half-finished challenge; absent on the first step. */
  onStartAgain?: () => void;
}

/** Every sign-in step ends the same way: the refusal, if any, then submit and "Start again". */
export function StepFooter({
  message,
  busy,
  submitLabel,
  busyLabel,
  submitTestId,
  onStartAgain,
}: StepFooterProps) {
  return (
    <>
      <SignInError id="sign-in-error" message={message} />
      <div className="button-row">
        <button type="submit" disabled={busy} data-testid={submitTestId}>
          {busy ? busyLabel : submitLabel}
        </button>
        {onStartAgain && (
          <button type="button" className="secondary" disabled={busy} onClick={onStartAgain}>
            Start again
          </button>
        )}
      </div>
    </>
  );
}
