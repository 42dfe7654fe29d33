import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OperatorSession } from '../../../src/main/core/session/operator-session.js';
import { SessionError } from '../../../src/main/core/session/session-error.js';
import type { StationProfile } from '../../../src/shared/station-profile-schema.js';
import { ManualClock } from '../../support/manual-clock.js';

/** What needs no Cognito: the one-per-process rule, input checks, and calls without a session. */

const profile: StationProfile = {
  name: 'Unit',
  kind: 'aws',
  region: 'eu-west-1',
  cognito: {
    userPoolId: 'eu-west-1_Unit1',
    userPoolClientId: 'unitclient',
    identityPoolId: 'eu-west-1:00000000-0000-4000-8000-000000000000',
    // Nothing listens here: a test that reached the network would fail with a network message.
    userPoolEndpoint: 'https://127.0.0.1:9',
    identityPoolEndpoint: 'https://127.0.0.1:9',
  },
  iot: { dataEndpoint: '127.0.0.1:8883', templateName: 'T' },
};
const dataDirectory = mkdtempSync(join(tmpdir(), 'operator-session-unit-'));
afterAll(() => rmSync(dataDirectory, { recursive: true, force: true }));

function create(): OperatorSession {
  return new OperatorSession({
    profile,
    dataDirectory,
    secretStorage: null,
    log: () => {},
    clock: new ManualClock(),
  });
}

describe('OperatorSession without Cognito', () => {
  it('allows one live session per process (Amplify is a singleton); another after dispose()', () => {
    const first = create();
    expect(() => create()).toThrow(/Only one OperatorSession may exist per process/);
    first.dispose();
    const second = create();
    second.dispose();
  });

  it('starts signed out and refuses calls that need a session, in plain words', async () => {
    const session = create();
    try {
      expect(session.view()).toEqual({
        status: 'signed-out',
        username: null,
        groups: [],
        mayProvision: false,
        reauthenticateBy: null,
        step: null,
        remembered: false,
        notice: null,
      });
      expect(session.operator()).toBeUndefined();
      const provider = session.credentialProvider();
      await expect(provider()).rejects.toThrow(SessionError);
      await expect(provider()).rejects.toThrow(
        /^No operator is signed in on this station, so AWS cannot be called\. Sign in again\.$/,
      );
      await expect(session.answerChallenge({ step: 'totp-code', code: '123456' })).rejects.toThrow(
        /^No sign-in step is waiting for an answer/,
      );
      await expect(session.signIn('  ', 'x')).rejects.toThrow('Enter your username.');
      await expect(session.signIn('ines', '')).rejects.toThrow('Enter your password.');
      expect(await session.restore()).toMatchObject({ status: 'signed-out', notice: null });
      expect(await session.signOut()).toMatchObject({ status: 'signed-out', notice: null });
    } finally {
      session.dispose();
    }
  });
});
