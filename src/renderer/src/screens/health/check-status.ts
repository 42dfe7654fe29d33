import type { BenchCheckStatus, BenchCheckView, BenchHealthView } from '../../../../shared/view-models.js';

export interface CheckStatusWords {
  word: string;
  /** Drawn beside the word, hidden from screen readers (the word says it). */
  icon: string;
  /** Colours both: ok, warn or fail in the shared state classes. */
  tone: 'ok' | 'warn' | 'fail';
}

const statusWords: Record<BenchCheckStatus, CheckStatusWords> = {
  ok: { word: 'OK', icon: '✔', tone: 'ok' },
  warning: { word: 'Warning', icon: '▲', tone: 'warn' },
  problem: { word: 'Problem', icon: '✖', tone: 'fail' },
};

export function checkStatusWordsOf(status: BenchCheckStatus): CheckStatusWords {
  return statusWords[status];
}

const rank: Record<BenchCheckStatus, number> = { ok: 0, warning: 1, problem: 2 };

/** The worst status among the checks; ok when there are none. */
export function worstStatusOf(checks: readonly Pick<BenchCheckView, 'status'>[]): BenchCheckStatus {
  return checks.reduce<BenchCheckStatus>(
    (worst, check) => (rank[check.status] > rank[worst] ? check.status : worst),
    'ok',
  );
}

function counted(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The line at the top of the screen: the worst first, so it reads right from across the bench. */
export function healthSummaryOf(view: Pick<BenchHealthView, 'checks'>): string {
  const problems = view.checks.filter((check) => check.status === 'problem').length;
  const warnings = view.checks.filter((check) => check.status === 'warning').length;
  if (view.checks.length === 0) return 'The station ran no checks.';
  if (problems === 0 && warnings === 0) {
    return view.checks.length === 1 ? 'The check is OK.' : `All ${view.checks.length} checks are OK.`;
  }
  const parts = [
    problems > 0 ? counted(problems, 'problem', 'problems') : null,
    warnings > 0 ? counted(warnings, 'warning', 'warnings') : null,
  ].filter((part) => part !== null);
  return `${parts.join(' and ')} found in ${counted(view.checks.length, 'check', 'checks')}.`;
}

/**
 * The banner the station shows at start when a check found a problem (warnings wait for the
 * operator to open the screen); null when there is none or the check itself could not run.
 */
export function startupProblemTextOf(view: Pick<BenchHealthView, 'checks'> | null): string | null {
  const problems = view?.checks.filter((check) => check.status === 'problem') ?? [];
  if (problems.length === 0) return null;
  const titles = problems.map((check) => check.title).join(', ');
  return `Bench health: ${counted(problems.length, 'problem', 'problems')} — ${titles}.`;
}
