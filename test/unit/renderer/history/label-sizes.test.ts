import { describe, expect, it } from 'vitest';
import {
  defaultLabelSize,
  labelSizeClass,
  labelSizeOf,
  labelSizes,
} from '../../../../src/renderer/src/screens/history/label-sizes.js';

describe('label sizes', () => {
  it('takes a known size and falls back to the default for anything else', () => {
    expect(labelSizeOf('50x30')).toBe('50x30');
    expect(labelSizeOf('62x29')).toBe('62x29');
    expect(labelSizeOf('100x150')).toBe(defaultLabelSize);
    expect(labelSizeOf(null)).toBe(defaultLabelSize);
    expect(labelSizeOf(undefined)).toBe(defaultLabelSize);
  });

  it('names each size by its class, which the print CSS ties to a named page', () => {
    expect(labelSizes.map((size) => labelSizeClass(size.id))).toEqual(['label-62x29', 'label-50x30']);
  });
});
