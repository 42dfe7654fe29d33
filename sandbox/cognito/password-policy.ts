/** A user pool's password policy, with Cognito's defaults and its InvalidPasswordException wording. */
export interface PasswordPolicy {
  minimumLength: number;
  requireUppercase: boolean;
  requireLowercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
  /** How long a temporary password from admin seeding stays usable. */
  temporaryPasswordValidityDays: number;
}

export const defaultPasswordPolicy: PasswordPolicy = {
  minimumLength: 8,
  requireUppercase: true,
  requireLowercase: true,
  requireNumbers: true,
  requireSymbols: true,
  temporaryPasswordValidityDays: 7,
};

/** The symbols Cognito counts as special characters. */
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+-');

/** The first policy violation as Cognito words it, or undefined when the password conforms. */
export function passwordPolicyViolation(password: string, policy: PasswordPolicy): string | undefined {
  const prefix = 'Password does not conform to policy: ';
  if ([...password].length < policy.minimumLength) return `${prefix}Password not long enough`;
  if (policy.requireLowercase && !/[a-z]/.test(password))
    return `${prefix}Password must have lowercase characters`;
  if (policy.requireUppercase && !/[A-Z]/.test(password))
    return `${prefix}Password must have uppercase characters`;
  if (policy.requireNumbers && !/[0-9]/.test(password))
    return `${prefix}Password must have numeric characters`;
  if (policy.requireSymbols && ![...password].some((c) => SYMBOLS.has(c)))
    return `${prefix}Password must have symbol characters`;
  return undefined;
}
