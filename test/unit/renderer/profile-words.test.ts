import { describe, expect, it } from 'vitest';
import type { ProfileView } from '../../../src/shared/view-models.js';
import {
  profileKindWords,
  profileSourceWords,
} from '../../../src/renderer/src/screens/profile/profile-words.js';

describe('profile words', () => {
  it('says in words that the sandbox is not AWS', () => {
    expect(profileKindWords('sandbox')).toMatch(/not AWS/);
    expect(profileKindWords('aws')).not.toMatch(/sandbox/i);
  });

  it('words every source differently', () => {
    const sources: ProfileView['source'][] = ['command-line', 'imported', 'embedded', 'none'];
    const words = sources.map(profileSourceWords);
    expect(new Set(words).size).toBe(sources.length);
    expect(profileSourceWords('command-line')).toMatch(/started/);
  });
});
