import { describe, expect, it } from 'vitest';
import {
  auditFilterOf,
  auditRowLimit,
  describeExport,
  describeShown,
} from '../../../../src/renderer/src/screens/history/audit-query.js';

describe('auditFilterOf', () => {
  it('leaves out what is not chosen (the station takes a strict filter)', () => {
    expect(auditFilterOf({ batchId: null, search: undefined })).toEqual({});
    expect(Object.keys(auditFilterOf({ batchId: null, search: undefined }))).toEqual([]);
    expect(auditFilterOf({ batchId: 'b1', search: undefined })).toEqual({ batchId: 'b1' });
    expect(auditFilterOf({ batchId: 'b1', search: 'SN' })).toEqual({ batchId: 'b1', search: 'SN' });
  });
});

describe('describeShown', () => {
  it('counts and names the filter', () => {
    expect(describeShown(1, null, undefined)).toBe('1 device.');
    expect(describeShown(12, 'Morning', 'SN-1')).toBe('12 devices in batch “Morning” matching “SN-1”.');
    expect(describeShown(1234, null, 'x')).toBe('1,234 devices matching “x”.');
  });

  it('says when nothing matches and when the list was cut at the limit', () => {
    expect(describeShown(0, null, undefined)).toBe('This station has no device records yet.');
    expect(describeShown(0, 'Morning', undefined)).toBe('No device in batch “Morning”.');
    expect(describeShown(auditRowLimit, null, undefined)).toMatch(/^The newest 10,000 devices are shown\./);
  });

  it('says where an export went', () => {
    expect(describeExport('a.csv', 3)).toBe('Saved 3 devices to a.csv.');
  });
});
