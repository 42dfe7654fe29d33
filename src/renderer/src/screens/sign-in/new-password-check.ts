/**
 * The new-password step's confirmation, checked as the operator types. Only whether the two match
 * is checked here; the user pool's password policy is Cognito's, and its refusal comes back from main.
 */
export type NewPasswordCheck =
  | { state: 'empty'; message: null }
  /** The confirmation so far is the start of the new password: not wrong yet. */
  | { state: 'typing'; message: string }
  | { state: 'mismatch'; message: string }
  | { state: 'match'; message: string };

export function newPasswordCheck(newPassword: string, confirmation: string): NewPasswordCheck {
  if (confirmation === '') return { state: 'empty', message: null };
  if (confirmation === newPassword) {
    return { state: 'match', message: 'The two passwords match.' };
  }
  if (newPassword.startsWith(confirmation)) {
    return { state: 'typing', message: 'Keep typing: so far it matches.' };
  }
  return {
    state: 'mismatch',
    message: 'The two passwords do not match. Type the same new password in both fields.',
  };
}

/** Why the new password cannot be sent yet, or null when it can. */
export function newPasswordProblem(
  newPassword: string,
  confirmation: string,
): { field: 'new-password' | 'confirm-password'; message: string } | null {
  if (newPassword === '') return { field: 'new-password', message: 'Enter a new password.' };
  if (confirmation === '') {
    return { field: 'confirm-password', message: 'Type the new password a second time to confirm it.' };
  }
  if (confirmation !== newPassword) {
    return {
      field: 'confirm-password',
      message: 'The two passwords do not match. Type the same new password in both fields.',
    };
  }
  return null;
}
