import { describe, expect, it } from 'vitest';
import {
  logFolderOutcomeOf,
  logRedactionWords,
} from '../../../../src/renderer/src/diagnostics/log-folder-words.js';
import { screenNameOf } from '../../../../src/renderer/src/diagnostics/screen-name.js';

describe('screenNameOf', () => {
  const signedIn = { signedIn: true, batchOpen: false };
  it('names the screen App shows for the route', () => {
    expect(screenNameOf({ name: 'batch' }, signedIn)).toBe('batch-setup');
    expect(screenNameOf({ name: 'batch' }, { signedIn: true, batchOpen: true })).toBe('batch-queue');
    expect(screenNameOf({ name: 'device' }, signedIn)).toBe('device');
    expect(screenNameOf({ name: 'history' }, signedIn)).toBe('history');
    expect(screenNameOf({ name: 'health' }, signedIn)).toBe('health');
    expect(screenNameOf({ name: 'profile' }, signedIn)).toBe('profile');
  });

  it('says sign-in where the screen needs a session and there is none', () => {
    const signedOut = { signedIn: false, batchOpen: true };
    expect(screenNameOf({ name: 'batch' }, signedOut)).toBe('sign-in');
    expect(screenNameOf({ name: 'history' }, signedOut)).toBe('sign-in');
    expect(screenNameOf({ name: 'device' }, signedOut)).toBe('sign-in');
    expect(screenNameOf({ name: 'health' }, signedOut)).toBe('health');
    expect(screenNameOf({ name: 'profile' }, signedOut)).toBe('profile');
  });
});

describe('logFolderOutcomeOf', () => {
  it('says the folder opened, or why not and where it is', () => {
    expect(
      logFolderOutcomeOf({ ok: true, value: { path: '/data/logs', opened: true, message: null } }),
    ).toEqual({
      tone: 'ok',
      text: 'The log folder is open in your file manager.',
    });
    expect(
      logFolderOutcomeOf({
        ok: true,
        value: { path: '/data/logs', opened: false, message: 'Open /data/logs yourself.' },
      }),
    ).toEqual({ tone: 'warn', text: 'Open /data/logs yourself.' });
    expect(
      logFolderOutcomeOf({ ok: true, value: { path: '/data/logs', opened: false, message: null } }).text,
    ).toBe('Open /data/logs in a file manager.');
    expect(
      logFolderOutcomeOf({ ok: false, error: { code: 'INTERNAL', message: 'The station did not answer.' } }),
    ).toEqual({ tone: 'warn', text: 'The log folder could not be opened: The station did not answer.' });
  });
});

describe('what the station says of the log’s redaction', () => {
  it('names the shapes it replaces, and promises nothing of a password in plain text', () => {
    expect(logRedactionWords).toBe(
      'Secret-shaped text (keys, certificates, tokens, AWS credentials, passwords in fields) is replaced before a line is written.',
    );
  });
});
