import { confirmSignIn, fetchAuthSession, signIn, signOut } from 'aws-amplify/auth';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sandbox/clock.js';
import { totpCode } from '../../../sandbox/cognito/totp.js';
import { configureAmplifyInMemory } from '../../support/amplify-node.js';
import {
  INSTALLER_ROLE,
  amplifyCognitoConfig,
  rejection,
  startCognitoSandbox,
  type CognitoSandbox,
} from './cognito-sandbox-fixture.js';

/** A pool with MFA required: users without TOTP must set it up during sign-in. */
const clock = new ManualClock(Date.now());
const KNOWN_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
let sandbox: CognitoSandbox;

/** The next unused TOTP time step, so a code is never one the pool has already accepted. */
function nextCode(secret: string): string {
  clock.advance(30_000);
  return totpCode(secret, clock.now());
}

/** A well-formed six-digit code that is not the given one. */
function otherThan(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

beforeAll(async () => {
  sandbox = await startCognitoSandbox({ clock, userPool: { mfaConfiguration: 'ON' } });
  configureAmplifyInMemory(amplifyCognitoConfig(sandbox));
  sandbox.userPool.createGroup({ groupName: 'installers', precedence: 0, roleArn: INSTALLER_ROLE });
  sandbox.userPool.createUser({ username: 'mara', password: 'Installer#2026' });
  sandbox.userPool.addUserToGroup('mara', 'installers');
  sandbox.userPool.createUser({ username: 'tomas', password: 'Installer#2026' });
  sandbox.userPool.addUserToGroup('tomas', 'installers');
  sandbox.userPool.enableSoftwareTokenMfa('tomas', KNOWN_SECRET);
});

afterAll(async () => {
  expect(sandbox.internalErrors).toEqual([]);
  await sandbox.close();
});

afterEach(async () => {
  await signOut();
});

describe('Amplify v6 TOTP MFA against a pool with MFA required', () => {
  it('sets TOTP up during the first sign-in (MFA_SETUP), then asks for a code next time', async () => {
    const first = await signIn({ username: 'mara', password: 'Installer#2026' });
    expect(first.nextStep.signInStep).toBe('CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
    const secret =
      first.nextStep.signInStep === 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP'
        ? first.nextStep.totpSetupDetails.sharedSecret
        : '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    const current = nextCode(secret);
    const wrong = await rejection(confirmSignIn({ challengeResponse: otherThan(current) }));
    expect(wrong).toEqual({
      name: 'EnableSoftwareTokenMFAException',
      message: 'Code mismatch and fail enable Software Token MFA',
    });
    const done = await confirmSignIn({ challengeResponse: current });
    expect(done).toEqual({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    expect(sandbox.userPool.describeUser('mara')?.softwareTokenMfa).toBe('enabled');
    const session = await fetchAuthSession();
    expect(sandbox.credentials.lookup(session.credentials?.accessKeyId ?? '')?.roleArn).toBe(INSTALLER_ROLE);
    await signOut();

    const second = await signIn({ username: 'mara', password: 'Installer#2026' });
    expect(second.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_TOTP_CODE');
    const code = nextCode(secret);
    const mismatch = await rejection(confirmSignIn({ challengeResponse: otherThan(code) }));
    expect(mismatch.name).toBe('CodeMismatchException');
    const finished = await confirmSignIn({ challengeResponse: code });
    expect(finished.isSignedIn).toBe(true);
  });

  it('challenges a user seeded with a known secret and refuses a code used twice', async () => {
    const first = await signIn({ username: 'tomas', password: 'Installer#2026' });
    expect(first.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_TOTP_CODE');
    const code = nextCode(KNOWN_SECRET);
    expect((await confirmSignIn({ challengeResponse: code })).isSignedIn).toBe(true);
    await signOut();

    await signIn({ username: 'tomas', password: 'Installer#2026' });
    const replay = await rejection(confirmSignIn({ challengeResponse: code }));
    expect(replay).toEqual({ name: 'CodeMismatchException', message: 'Invalid code received for user' });
    expect((await confirmSignIn({ challengeResponse: nextCode(KNOWN_SECRET) })).isSignedIn).toBe(true);
  });

  it('accepts a code from the previous time step (one step of drift)', async () => {
    await signIn({ username: 'tomas', password: 'Installer#2026' });
    clock.advance(60_000);
    const previousStepCode = totpCode(KNOWN_SECRET, clock.now() - 30_000);
    expect((await confirmSignIn({ challengeResponse: previousStepCode })).isSignedIn).toBe(true);
  });

  it('refuses a code two steps old', async () => {
    await signIn({ username: 'tomas', password: 'Installer#2026' });
    clock.advance(90_000);
    const stale = totpCode(KNOWN_SECRET, clock.now() - 60_000);
    const current = totpCode(KNOWN_SECRET, clock.now());
    const refused = await rejection(
      confirmSignIn({ challengeResponse: stale === current ? otherThan(current) : stale }),
    );
    expect(refused.name).toBe('CodeMismatchException');
    expect((await confirmSignIn({ challengeResponse: current })).isSignedIn).toBe(true);
  });
});
