import { describe, expect, it } from 'vitest';
import {
  normaliseSearch,
  searchMaxLength,
} from '../../../../src/renderer/src/screens/history/search-text.js';

describe('normaliseSearch', () => {
  it('trims and leaves the middle alone', () => {
    expect(normaliseSearch('  SN-0001 ')).toBe('SN-0001');
    expect(normaliseSearch('a b')).toBe('a b');
  });

  it('drops control characters a scanner may send', () => {
    expect(normaliseSearch('\u0002SN-0001\t\r\n')).toBe('SN-0001');
    expect(normaliseSearch('SN\u0000-1')).toBe('SN-1');
  });

  it('is undefined when nothing is left, so the whole list shows', () => {
    expect(normaliseSearch('')).toBeUndefined();
    expect(normaliseSearch('   \t')).toBeUndefined();
  });

  it('keeps within the length the station accepts', () => {
    const long = 'x'.repeat(searchMaxLength + 50);
    expect(normaliseSearch(long)).toHaveLength(searchMaxLength);
    expect(normaliseSearch(`${'y'.repeat(searchMaxLength - 1)} z`)).toBe('y'.repeat(searchMaxLength - 1));
  });
});
