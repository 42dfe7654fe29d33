import type { DiagnosticsReport, PageProblemKind, ScreenName } from '../../../shared/diagnostics.js';
import { RateBudget } from '../../../shared/rate-budget.js';
import { problemReportOf } from './problem-report.js';

/** Problem reports sent per minute at most: a screen that throws on every frame is reported a few times. */
const maxProblemsPerMinute = 10;

/**
 * Tells main which screen shows and what went wrong on it, for the station's log. Reporting never
 * throws and never waits: a report that cannot be sent is dropped (the page has a problem already).
 */
export class ProblemReporter {
  private screen: ScreenName = 'connecting';
  private readonly budget: RateBudget;

  constructor(
    private readonly send: (report: DiagnosticsReport) => Promise<unknown>,
    now: () => number = Date.now,
    /** The page's own address (its folder), written as `./` in reports. */
    private readonly pageBase: string | null = null,
  ) {
    this.budget = new RateBudget(maxProblemsPerMinute, 60_000, now);
  }

  /** The screen now showing; main hears of it when it changes. */
  showing(screen: ScreenName): void {
    if (screen === this.screen) return;
    this.screen = screen;
    this.post({ kind: 'screen', screen });
  }

  problem(kind: PageProblemKind, thrown: unknown, componentStack: string | null = null): void {
    if (!this.budget.take().allowed) return;
    let report: DiagnosticsReport;
    try {
      report = problemReportOf(kind, thrown, this.screen, componentStack, this.pageBase);
    } catch {
      return;
    }
    this.post(report);
  }

  private post(report: DiagnosticsReport): void {
    try {
      void this.send(report).catch(() => undefined);
    } catch {
      // Not connected yet, or the bridge is gone: nothing to tell it with.
    }
  }
}
