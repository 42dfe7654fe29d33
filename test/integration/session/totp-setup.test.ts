import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../sandbox/clock.js';
import { totpCode } from '../../../sandbox/cognito/totp.js';
import { startSandbox, type RunningSandbox } from '../../../sandbox/orchestrator/start-sandbox.js';
import { OperatorSession, type SessionView } from '../../../src/main/core/session/operator-session.js';
import { SessionError } from '../../../src/main/core/session/session-error.js';

/**
 * A sandbox whose user pool requires MFA (`mfaConfiguration: 'ON'`): the seeded installer has no
 * authenticator yet, so the first sign-in sets TOTP up; the next one asks for a code. The sandbox
 * runs on its own clock so each code falls in a fresh 30-second step (a code is accepted once).
 */

const clock = new ManualClock(Date.now());
let sandbox: RunningSandbox;
let session: OperatorSession;
let dataDirectory: string;
const logs: string[] = [];
const views: SessionView[] = [];

function nextCode(secret: string): string {
  clock.advance(30_000);
  return totpCode(secret, clock.now());
}

beforeAll(async () => {
  dataDirectory = mkdtempSync(join(tmpdir(), 'totp-setup-'));
  sandbox = await startSandbox({
    clock,
    ports: { cognito: 0, controlPlane: 0, mqtt: 0 },
    userPool: { mfaConfiguration: 'ON' },
  });
  session = new OperatorSession({
    profile: sandbox.profile,
    dataDirectory,
    secretStorage: null,
    log: (line) => logs.push(line),
  });
  session.on('changed', (view) => views.push(view));
});

afterAll(async () => {
  session.dispose();
  await sandbox.stop();
  rmSync(dataDirectory, { recursive: true, force: true });
});

describe('TOTP set-up on first sign-in where the pool requires MFA', () => {
  let secret = '';

  it('shows the secret and an otpauth URI once, refuses a wrong first code, signs in on the right one', async () => {
    const { username, password } = sandbox.users.installer;
    const challenge = await session.signIn(username, password);
    expect(challenge).toMatchObject({ status: 'challenge', step: 'totp-setup', username });
    secret = challenge.totpSetup?.secret ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(challenge.totpSetup?.otpauthUri ?? '');
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(decodeURIComponent(uri.pathname)).toContain('installer');

    const code = nextCode(secret);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const refused = await session
      .answerChallenge({ step: 'totp-setup', code: wrong })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SessionError);
    expect(refused).toMatchObject({ awsErrorName: 'EnableSoftwareTokenMFAException' });
    expect((refused as Error).message).toMatch(/^That code is wrong\./);
    expect(session.view().totpSetup?.secret).toBe(secret);

    const done = await session.answerChallenge({ step: 'totp-setup', code });
    expect(done).toMatchObject({ status: 'signed-in', username, mayProvision: true, step: null });
    expect(done.totpSetup).toBeUndefined();
    expect(sandbox.userPool.describeUser(username)?.softwareTokenMfa).toBe('enabled');
    // Nothing to remember with: said once, no file.
    expect(done).toMatchObject({ remembered: false, notice: expect.stringMatching(/no encryption keyring/) });
    await session.signOut();
  });

  it('asks for a code at the next sign-in, with no set-up secret in the view', async () => {
    const { username, password } = sandbox.users.installer;
    const challenge = await session.signIn(username, password);
    expect(challenge).toMatchObject({ status: 'challenge', step: 'totp-code' });
    expect(challenge.totpSetup).toBeUndefined();
    const done = await session.answerChallenge({ step: 'totp-code', code: nextCode(secret) });
    expect(done.status).toBe('signed-in');
    await session.signOut();
  });

  it('logs the steps but never the secret or a code', () => {
    expect(logs).toEqual(
      expect.arrayContaining([
        'session: installer must give the first code of a new authenticator app',
        'session: installer must give an authenticator code',
      ]),
    );
    expect(logs.join('\n')).not.toContain(secret);
    // Views carry the secret only while the set-up step waits.
    const withSecret = views.filter((view) => view.totpSetup !== undefined);
    expect(withSecret.every((view) => view.step === 'totp-setup')).toBe(true);
  });
});
