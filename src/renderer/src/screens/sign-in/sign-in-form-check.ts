/** What the username-and-password form checks before asking main (main checks again). */
export function signInFormProblem(
  username: string,
  password: string,
): { field: 'username' | 'password'; message: string } | null {
  if (username.trim() === '') return { field: 'username', message: 'Enter your username.' };
  if (password === '') return { field: 'password', message: 'Enter your password.' };
  return null;
}

/**
 * Whether main's sign-in error says the password was wrong (its wording, cognito-error-message.ts):
 * then the password field is cleared for a fresh try, and the username kept.
 */
export function saysPasswordIsWrong(message: string): boolean {
  return /username or password is wrong|too many wrong passwords/i.test(message);
}
