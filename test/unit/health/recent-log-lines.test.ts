import { describe, expect, it } from 'vitest';
import { RecentLogLines } from '../../../src/main/core/logging/recent-log-lines.js';

describe('RecentLogLines', () => {
  const at = Date.UTC(2026, 0, 2, 3, 4, 5);

  it('keeps lines oldest first, stamped, and the last N on request', () => {
    const log = new RecentLogLines(5);
    log.add('one', at);
    log.add('two', at + 1000);
    expect(log.recent()).toEqual(['2026-01-02T03:04:05.000Z one', '2026-01-02T03:04:06.000Z two']);
    expect(log.recent(1)).toEqual(['2026-01-02T03:04:06.000Z two']);
    expect(log.recent(0)).toEqual([]);
  });

  it('drops the oldest once full, in order across the wrap', () => {
    const log = new RecentLogLines(3);
    for (let index = 1; index <= 7; index++) log.add(`line ${index}`, at);
    expect(log.recent().map((line) => line.slice(25))).toEqual(['line 5', 'line 6', 'line 7']);
    expect(log.recent(2).map((line) => line.slice(25))).toEqual(['line 6', 'line 7']);
  });
});
