import { describe, expect, it } from 'vitest';
import { type CopyEnvironment, copyText } from '../../../../src/renderer/src/screens/health/copy-text.js';

function environment(clipboard: 'works' | 'refuses' | 'missing', selection: 'works' | 'refuses' | 'throws') {
  const calls: string[] = [];
  const copy: CopyEnvironment = {
    writeClipboard:
      clipboard === 'missing'
        ? null
        : async (text) => {
            calls.push(`clipboard:${text}`);
            if (clipboard === 'refuses') throw new Error('NotAllowedError');
          },
    copyBySelection(text) {
      calls.push(`selection:${text}`);
      if (selection === 'throws') throw new Error('no document');
      return selection === 'works';
    },
  };
  return { copy, calls };
}

describe('copyText', () => {
  it('uses the Clipboard API when it works, and nothing else', async () => {
    const { copy, calls } = environment('works', 'works');
    expect(await copyText('sudo usermod -aG dialout $USER', copy)).toBe('copied');
    expect(calls).toEqual(['clipboard:sudo usermod -aG dialout $USER']);
  });

  it('falls back to the selection copy when the Clipboard API refuses or is missing', async () => {
    const refused = environment('refuses', 'works');
    expect(await copyText('x', refused.copy)).toBe('copied');
    expect(refused.calls).toEqual(['clipboard:x', 'selection:x']);
    const missing = environment('missing', 'works');
    expect(await copyText('y', missing.copy)).toBe('copied');
    expect(missing.calls).toEqual(['selection:y']);
  });

  it('says it failed when neither way copies', async () => {
    expect(await copyText('z', environment('refuses', 'refuses').copy)).toBe('failed');
    expect(await copyText('z', environment('missing', 'throws').copy)).toBe('failed');
  });
});
