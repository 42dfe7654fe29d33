/** A refusal beside the form, in plain words; an alert so a screen reader says it at once. */
export function SignInError({ id, message }: { id: string; message: string | null }) {
  if (message === null) return null;
  return (
    <p id={id} className="sign-in-error" role="alert" data-testid="sign-in-error">
      <span aria-hidden="true">✖</span> {message}
    </p>
  );
}
