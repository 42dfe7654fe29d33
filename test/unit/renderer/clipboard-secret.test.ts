import { describe, expect, it } from 'vitest';
import {
  ClipboardSecret,
  type TextClipboard,
} from '../../../src/renderer/src/screens/sign-in/clipboard-secret.js';

/** A clipboard that records what was written, and can be told to refuse or to hold a write back. */
function fakeClipboard() {
  const writes: string[] = [];
  let refuse = false;
  let held: (() => void) | null = null;
  let holdNext = false;
  const clipboard: TextClipboard = {
    writeText(text) {
      if (refuse) return Promise.reject(new DOMException('Document is not focused.', 'NotAllowedError'));
      if (holdNext) {
        holdNext = false;
        return new Promise<void>((resolve) => {
          held = () => {
            writes.push(text);
            resolve();
          };
        });
      }
      writes.push(text);
      return Promise.resolve();
    },
  };
  return {
    clipboard,
    writes,
    refuse: (value: boolean) => (refuse = value),
    holdNextWrite: () => (holdNext = true),
    release: () => held?.(),
  };
}

const secret = 'SANDBOXMFAINSTALLERTOTPSECRETAAA';

describe('ClipboardSecret (the TOTP key does not stay on the clipboard)', () => {
  it('wipes the key it copied once set-up is over', async () => {
    const fake = fakeClipboard();
    const key = new ClipboardSecret(fake.clipboard);
    key.begin();
    expect(await key.copy(secret)).toBe(true);
    await key.clear();
    expect(fake.writes).toEqual([secret, '']);
    // Over twice (success, then the step unmounting): wiped once.
    await key.clear();
    expect(fake.writes).toEqual([secret, '']);
  });

  it('leaves a clipboard it never wrote to alone', async () => {
    const fake = fakeClipboard();
    const key = new ClipboardSecret(fake.clipboard);
    key.begin();
    await key.clear();
    expect(fake.writes).toEqual([]);
  });

  it('wipes a copy that lands after set-up ended, and takes no copy after it', async () => {
    const fake = fakeClipboard();
    const key = new ClipboardSecret(fake.clipboard);
    key.begin();
    fake.holdNextWrite();
    const copying = key.copy(secret);
    await key.clear();
    fake.release();
    expect(await copying).toBe(false);
    expect(fake.writes).toEqual([secret, '']);
    expect(await key.copy(secret)).toBe(false);
    expect(fake.writes).toEqual([secret, '']);
  });

  it('says when it could not copy, and a wipe the clipboard refuses does not throw', async () => {
    const fake = fakeClipboard();
    const key = new ClipboardSecret(fake.clipboard);
    key.begin();
    fake.refuse(true);
    expect(await key.copy(secret)).toBe(false);
    fake.refuse(false);
    expect(await key.copy(secret)).toBe(true);
    fake.refuse(true);
    await expect(key.clear()).resolves.toBeUndefined();
  });

  it('offers no copy where there is no clipboard', async () => {
    const key = new ClipboardSecret(undefined);
    expect(key.canCopy).toBe(false);
    expect(await key.copy(secret)).toBe(false);
    await expect(key.clear()).resolves.toBeUndefined();
  });
});
