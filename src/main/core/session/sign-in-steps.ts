import type { SignInOutput } from 'aws-amplify/auth';
import type { SessionStepName as SessionStep } from '../../../shared/view-models.js';

/** What to do with Amplify's answer to a sign-in call. */
export type NextMove =
  | { kind: 'done' }
  | { kind: 'ask'; step: SessionStep; totpSetup?: { secret: string; otpauthUri: string } }
  /** Cognito offers a choice of MFA methods (set-up or code); the station always takes TOTP. */
  | { kind: 'choose-totp' }
  | { kind: 'refuse'; signInStep: string; sentence: string };

/** Authenticator apps show this as the account's issuer. */
const TOTP_ISSUER = 'Provisioning Station';

const SMS_OR_EMAIL =
  'This account is set up for codes by text message or email; the station accepts only authenticator-app (TOTP) codes. Ask your AWS administrator to set up TOTP for it.';

export function nextMove(result: SignInOutput, username: string): NextMove {
  const next = result.nextStep;
  const refuse = (sentence: string): NextMove => ({ kind: 'refuse', signInStep: next.signInStep, sentence });
  switch (next.signInStep) {
    case 'DONE':
      return { kind: 'done' };
    case 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED':
      return { kind: 'ask', step: 'new-password' };
    case 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP':
      return {
        kind: 'ask',
        step: 'totp-setup',
        totpSetup: {
          secret: next.totpSetupDetails.sharedSecret,
          otpauthUri: next.totpSetupDetails.getSetupUri(TOTP_ISSUER, username).toString(),
        },
      };
    case 'CONFIRM_SIGN_IN_WITH_TOTP_CODE':
      return { kind: 'ask', step: 'totp-code' };
    case 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION':
    case 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION':
      return next.allowedMFATypes?.includes('TOTP') ? { kind: 'choose-totp' } : refuse(SMS_OR_EMAIL);
    case 'CONFIRM_SIGN_IN_WITH_SMS_CODE':
    case 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE':
    case 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP':
      return refuse(SMS_OR_EMAIL);
    case 'RESET_PASSWORD':
      return refuse(
        'This account needs a new password before it can sign in. Ask your AWS administrator to reset it, then sign in with the temporary password you receive.',
      );
    case 'CONFIRM_SIGN_UP':
      return refuse('This account is not confirmed yet. Ask your AWS administrator to confirm it.');
    default:
      return refuse(
        `Cognito asks for a sign-in step the station does not support (${next.signInStep}). Ask your AWS administrator to allow password sign-in (SRP) with authenticator-app MFA for this app client.`,
      );
  }
}

export function stepWords(step: SessionStep): string {
  switch (step) {
    case 'new-password':
      return 'a new password';
    case 'totp-setup':
      return 'the first code of a new authenticator app';
    case 'totp-code':
      return 'an authenticator code';
  }
}

/** The challenge cannot be answered again: Cognito's session for it expired, or Amplify lost it. */
export function challengeIsOver(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'SignInException' ||
    (error.name === 'NotAuthorizedException' && /session/i.test(error.message))
  );
}
