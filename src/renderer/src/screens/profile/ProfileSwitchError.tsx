/** Main's refusal of a switch (a batch is open, a field is wrong), in its words. */
export function ProfileSwitchError({ id, message }: { id: string; message: string | null }) {
  if (message === null) return null;
  return (
    <p id={id} className="profile-error" role="alert" data-testid={id}>
      <span aria-hidden="true">✖</span> {message}
    </p>
  );
}
