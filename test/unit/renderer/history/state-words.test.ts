import { describe, expect, it } from 'vitest';
import {
  canPrintLabel,
  outcomeWordsOf,
  toneClassOf,
} from '../../../../src/renderer/src/screens/history/state-words.js';

describe('history state words', () => {
  it('gives every audit outcome its own word and icon', () => {
    const outcomes = ['provisioned', 'failed', 'cancelled', 'already-provisioned'] as const;
    const words = outcomes.map(outcomeWordsOf);
    expect(words.map((entry) => entry.word)).toEqual([
      'Provisioned',
      'Failed',
      'Cancelled',
      'Already provisioned',
    ]);
    expect(new Set(words.map((entry) => entry.icon)).size).toBe(outcomes.length);
    expect(outcomeWordsOf('provisioned').tone).toBe('ok');
    expect(outcomeWordsOf('failed').tone).toBe('fail');
  });

  it('maps tones to the shared state classes', () => {
    expect(toneClassOf('ok')).toBe('state-ok');
    expect(toneClassOf('fail')).toBe('state-fail');
    expect(toneClassOf('muted')).toBe('muted');
  });

  it('offers a label only for a device that holds a Thing', () => {
    expect(canPrintLabel({ outcome: 'provisioned', thingName: 'thing-1' })).toBe(true);
    expect(canPrintLabel({ outcome: 'already-provisioned', thingName: 'thing-1' })).toBe(true);
    expect(canPrintLabel({ outcome: 'provisioned', thingName: null })).toBe(false);
    expect(canPrintLabel({ outcome: 'provisioned', thingName: '' })).toBe(false);
    expect(canPrintLabel({ outcome: 'failed', thingName: 'thing-1' })).toBe(false);
    expect(canPrintLabel({ outcome: 'cancelled', thingName: 'thing-1' })).toBe(false);
  });
});
