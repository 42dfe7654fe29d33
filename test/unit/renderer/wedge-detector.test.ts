import { describe, expect, it } from 'vitest';
import { WedgeDetector, type WedgeVerdict } from '../../../src/renderer/src/scanner/wedge-detector.js';

/** Feeds keys with the given gap (ms) between each; returns every verdict. */
function type(detector: WedgeDetector, keys: string[], gapMs: number, start = 1000): WedgeVerdict[] {
  return keys.map((key, index) => detector.feed({ key, at: start + index * gapMs }));
}

const chars = (text: string) => [...text];

describe('keyboard-wedge scanner detection', () => {
  it('recognises a fast burst ending in Enter as a scan', () => {
    const verdicts = type(new WedgeDetector(), [...chars('SN-00042'), 'Enter'], 8);
    expect(verdicts.at(-1)).toEqual({ kind: 'scan', code: 'SN-00042' });
    expect(verdicts[0]).toEqual({ kind: 'key' });
    expect(verdicts.slice(1, -1).every((verdict) => verdict.kind === 'burst')).toBe(true);
  });

  it('takes a person typing the same characters for typing, not a scan', () => {
    const verdicts = type(new WedgeDetector(), [...chars('SN-00042'), 'Enter'], 120);
    expect(verdicts.every((verdict) => verdict.kind === 'key')).toBe(true);
  });

  it('needs at least four characters', () => {
    expect(type(new WedgeDetector(), [...chars('abc'), 'Enter'], 5).at(-1)).toEqual({ kind: 'key' });
    expect(type(new WedgeDetector(), [...chars('abcd'), 'Enter'], 5).at(-1)).toEqual({
      kind: 'scan',
      code: 'abcd',
    });
  });

  it('uses the 35 ms gap as the limit, Enter included', () => {
    expect(type(new WedgeDetector(), [...chars('ABCDE'), 'Enter'], 35).at(-1)).toEqual({
      kind: 'scan',
      code: 'ABCDE',
    });
    expect(type(new WedgeDetector(), [...chars('ABCDE'), 'Enter'], 36).at(-1)).toEqual({ kind: 'key' });
    const detector = new WedgeDetector();
    type(detector, chars('ABCDE'), 10);
    // A pause before Enter: somebody pressed it by hand after the characters.
    expect(detector.feed({ key: 'Enter', at: 1000 + 4 * 10 + 200 })).toEqual({ kind: 'key' });
  });

  it('starts a new burst after a pause, keeping only the fast tail', () => {
    const detector = new WedgeDetector();
    type(detector, chars('xy'), 300, 0);
    const verdicts = type(detector, [...chars('CODE1'), 'Enter'], 10, 5000);
    expect(verdicts.at(-1)).toEqual({ kind: 'scan', code: 'CODE1' });
  });

  it('lets Shift pass inside a burst (capitals) without breaking it', () => {
    const detector = new WedgeDetector();
    const keys = ['Shift', 'A', 'b', 'Shift', 'C', 'd', 'Enter'];
    expect(type(detector, keys, 6).at(-1)).toEqual({ kind: 'scan', code: 'AbCd' });
  });

  it('breaks a burst on a navigation key: a person is at the keyboard', () => {
    const detector = new WedgeDetector();
    const verdicts = type(detector, ['a', 'b', 'Tab', 'c', 'd', 'Enter'], 5);
    expect(verdicts.at(-1)).toEqual({ kind: 'key' });
  });

  it('forgets the burst after a scan and after reset', () => {
    const detector = new WedgeDetector();
    type(detector, [...chars('FIRST'), 'Enter'], 5, 0);
    expect(detector.feed({ key: 'Enter', at: 40 })).toEqual({ kind: 'key' });
    type(detector, chars('SECOND'), 5, 100);
    detector.reset();
    expect(detector.feed({ key: 'Enter', at: 131 })).toEqual({ kind: 'key' });
  });

  it('honours other limits when given', () => {
    const detector = new WedgeDetector({ maxGapMs: 80, minLength: 2 });
    expect(type(detector, ['4', '2', 'Enter'], 70).at(-1)).toEqual({ kind: 'scan', code: '42' });
  });
});
