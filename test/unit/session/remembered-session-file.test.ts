import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  REMEMBERED_SESSION_FILE,
  RememberedSessionFile,
  type RememberedSession,
} from '../../../src/main/core/session/remembered-session-file.js';
import { FakeSecretStorage } from './fake-secret-storage.js';

const session: RememberedSession = {
  version: 1,
  userPoolId: 'eu-west-1_Pool1',
  userPoolClientId: 'client1',
  username: 'ines',
  signedInAt: 1_767_225_600_000,
  items: {
    'CognitoIdentityServiceProvider.client1.LastAuthUser': 'ines',
    'CognitoIdentityServiceProvider.client1.ines.refreshToken': 'opaque-refresh-token-value-0123456789',
  },
};

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'remembered-session-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('RememberedSessionFile', () => {
  it('writes one encrypted file, mode 0600, in a directory it creates, and reads it back', async () => {
    const directory = join(root, 'user-data');
    const file = new RememberedSessionFile(directory, new FakeSecretStorage());
    await file.save(session);
    expect(readdirSync(directory)).toEqual([REMEMBERED_SESSION_FILE]);
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(statSync(directory).mode & 0o077).toBe(0);
    const bytes = readFileSync(file.path);
    expect(bytes.toString('latin1')).not.toContain('opaque-refresh-token');
    expect(bytes.toString('latin1')).not.toContain('ines');
    expect(await file.read()).toEqual({ kind: 'found', session });
  });

  it('replaces the file whole (no temporary file left behind)', async () => {
    const file = new RememberedSessionFile(root, new FakeSecretStorage());
    await Promise.all([file.save(session), file.save({ ...session, username: 'ines2' })]);
    expect(readdirSync(root)).toEqual([REMEMBERED_SESSION_FILE]);
    expect(await file.read()).toMatchObject({ kind: 'found', session: { username: 'ines2' } });
  });

  it('never brings the file back after a delete issued behind a save', async () => {
    const file = new RememberedSessionFile(root, new FakeSecretStorage());
    const saving = file.save(session);
    const deleting = file.delete();
    await Promise.all([saving, deleting]);
    expect(readdirSync(root)).toEqual([]);
    expect(await file.read()).toEqual({ kind: 'none' });
  });

  it('refuses to store anything without encryption, and writes nothing', async () => {
    const unavailable = Object.assign(new FakeSecretStorage(), { available: false });
    for (const storage of [unavailable, null]) {
      const file = new RememberedSessionFile(root, storage);
      expect(file.canStore()).toBe(false);
      await expect(file.save(session)).rejects.toThrow('encryption is not available');
    }
    const throwing = new RememberedSessionFile(root, {
      isEncryptionAvailable: () => {
        throw new Error('no keyring daemon');
      },
      encryptString: () => Buffer.alloc(0),
      decryptString: () => '',
    });
    expect(throwing.canStore()).toBe(false);
    expect(readdirSync(root)).toEqual([]);
  });

  it('reports a file it cannot decrypt now as unavailable and leaves it', async () => {
    await new RememberedSessionFile(root, new FakeSecretStorage()).save(session);
    const locked = new RememberedSessionFile(
      root,
      Object.assign(new FakeSecretStorage(), { available: false }),
    );
    expect(await locked.read()).toEqual({ kind: 'unavailable' });
    expect(readdirSync(root)).toEqual([REMEMBERED_SESSION_FILE]);
  });

  it.each([
    ['garbage', () => Buffer.from('plain text'), 'it cannot be decrypted with this computer’s keyring'],
    [
      'another keyring',
      () => new FakeSecretStorage(0x11).encryptString(JSON.stringify(session)),
      'it cannot be decrypted with this computer’s keyring',
    ],
    [
      'JSON of another shape',
      () => new FakeSecretStorage().encryptString('{"version":1}'),
      'its content is not what the station writes',
    ],
    [
      'a secret next to the session',
      () => new FakeSecretStorage().encryptString(JSON.stringify({ ...session, password: 'x' })),
      'its content is not what the station writes',
    ],
  ])('moves aside a file holding %s', async (_case, content, reason) => {
    writeFileSync(join(root, REMEMBERED_SESSION_FILE), content());
    const read = await new RememberedSessionFile(root, new FakeSecretStorage()).read();
    expect(read).toEqual({
      kind: 'damaged',
      reason,
      asidePath: expect.stringMatching(/operator-session\.bin\.damaged-\d+$/),
    });
    expect(readdirSync(root)).toEqual([expect.stringMatching(/^operator-session\.bin\.damaged-\d+$/)]);
  });

  it('never lets a second damaged file replace the first set aside in the same millisecond', async () => {
    const now = vi.spyOn(Date, 'now').mockReturnValue(1_767_225_600_000);
    try {
      const file = new RememberedSessionFile(root, new FakeSecretStorage());
      for (const content of ['first', 'second']) {
        writeFileSync(file.path, content);
        expect((await file.read()).kind).toBe('damaged');
      }
      const aside = readdirSync(root).sort();
      expect(aside).toEqual([
        'operator-session.bin.damaged-1767225600000',
        'operator-session.bin.damaged-1767225600001',
      ]);
      expect(aside.map((name) => readFileSync(join(root, name), 'utf8'))).toEqual(['first', 'second']);
    } finally {
      now.mockRestore();
    }
  });
});
