/**
 * The 6-digit code of an authenticator app as typed or pasted: apps show it as "123 456", some
 * paste it with a dash. Only the digits count, at most six.
 */
export const ONE_TIME_CODE_LENGTH = 6;

export function oneTimeCodeFrom(typed: string): string {
  return typed.replace(/\D/g, '').slice(0, ONE_TIME_CODE_LENGTH);
}

/** Why the code cannot be sent yet, or null when it has its six digits. */
export function oneTimeCodeProblem(code: string): string | null {
  if (code.length === ONE_TIME_CODE_LENGTH) return null;
  return code === ''
    ? 'Enter the 6-digit code your authenticator app shows.'
    : `The code has 6 digits; ${code.length} typed so far.`;
}
