import { describe, expect, it } from 'vitest';
import type { BenchCheckView } from '../../../../src/shared/view-models.js';
import {
  checkStatusWordsOf,
  healthSummaryOf,
  startupProblemTextOf,
  worstStatusOf,
} from '../../../../src/renderer/src/screens/health/check-status.js';

function check(id: string, status: BenchCheckView['status']): BenchCheckView {
  return { id, title: `Check ${id}`, status, summary: 's', fix: null, command: null };
}

describe('bench check status words', () => {
  it('says OK, Warning and Problem, each with its own icon and tone', () => {
    expect(checkStatusWordsOf('ok')).toMatchObject({ word: 'OK', tone: 'ok' });
    expect(checkStatusWordsOf('warning')).toMatchObject({ word: 'Warning', tone: 'warn' });
    expect(checkStatusWordsOf('problem')).toMatchObject({ word: 'Problem', tone: 'fail' });
    const icons = (['ok', 'warning', 'problem'] as const).map((status) => checkStatusWordsOf(status).icon);
    expect(new Set(icons).size).toBe(3);
  });

  it('finds the worst status', () => {
    expect(worstStatusOf([])).toBe('ok');
    expect(worstStatusOf([check('a', 'ok'), check('b', 'warning')])).toBe('warning');
    expect(worstStatusOf([check('a', 'problem'), check('b', 'warning'), check('c', 'ok')])).toBe('problem');
  });
});

describe('healthSummaryOf', () => {
  it('counts problems before warnings', () => {
    expect(healthSummaryOf({ checks: [check('a', 'ok'), check('b', 'ok')] })).toBe('All 2 checks are OK.');
    expect(healthSummaryOf({ checks: [check('a', 'ok')] })).toBe('The check is OK.');
    expect(healthSummaryOf({ checks: [] })).toBe('The station ran no checks.');
    expect(
      healthSummaryOf({
        checks: [check('a', 'warning'), check('b', 'problem'), check('c', 'problem'), check('d', 'ok')],
      }),
    ).toBe('2 problems and 1 warning found in 4 checks.');
    expect(healthSummaryOf({ checks: [check('a', 'warning')] })).toBe('1 warning found in 1 check.');
  });
});

describe('startupProblemTextOf', () => {
  it('names the checks with a problem, and is silent for warnings or no result', () => {
    expect(startupProblemTextOf(null)).toBeNull();
    expect(startupProblemTextOf({ checks: [check('a', 'ok'), check('b', 'warning')] })).toBeNull();
    expect(
      startupProblemTextOf({ checks: [check('a', 'problem'), check('b', 'warning'), check('c', 'problem')] }),
    ).toBe('Bench health: 2 problems — Check a, Check c.');
  });
});
