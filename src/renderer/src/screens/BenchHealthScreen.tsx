import { useEffect, useRef, useState } from 'react';
import type { BenchHealthView, SystemReportView } from '../../../shared/view-models.js';
import { formatClockTime, formatDateTime } from '../format/time.js';
import { useStationStore } from '../store/use-station-state.js';
import { BenchCheckCard } from './health/BenchCheckCard.js';
import { SystemReportPanel } from './health/SystemReportPanel.js';
import { checkStatusWordsOf, healthSummaryOf, worstStatusOf } from './health/check-status.js';
import './health/health.css';

/** The answer to check number `request`: the view, or why the check could not run. */
interface CheckAnswer {
  request: number;
  failure: string | null;
}

type Report =
  | { status: 'none' }
  | { status: 'making' }
  | { status: 'ready'; report: SystemReportView }
  | { status: 'error'; message: string };

/** What can stop this bench working, each with its fix; and a report for support. */
export function BenchHealthScreen() {
  const store = useStationStore();
  /** How many checks were asked for; the first on arrival, one more per Check again. */
  const [requested, setRequested] = useState(1);
  const [answer, setAnswer] = useState<CheckAnswer | null>(null);
  /** The last results that arrived, kept on screen through a re-check or a failed one. */
  const [view, setView] = useState<BenchHealthView | null>(null);
  const [report, setReport] = useState<Report>({ status: 'none' });
  const reportRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    void store.api.health.check().then((result) => {
      // Only the newest check is shown; a slow earlier one arriving late is dropped.
      if (!live) return;
      setAnswer({ request: requested, failure: result.ok ? null : result.error.message });
      if (result.ok) setView(result.value);
    });
    return () => {
      live = false;
    };
  }, [store, requested]);

  const checking = answer?.request !== requested;
  const failure = checking ? null : (answer?.failure ?? null);
  const check = () => setRequested((count) => count + 1);

  const makeReport = async () => {
    setReport({ status: 'making' });
    const result = await store.api.health.report();
    setReport(
      result.ok
        ? { status: 'ready', report: result.value }
        : { status: 'error', message: result.error.message },
    );
    if (result.ok)
      requestAnimationFrame(() => reportRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' }));
  };

  const worst = view ? checkStatusWordsOf(worstStatusOf(view.checks)) : null;

  return (
    <main className="screen health-screen" aria-labelledby="health-heading" data-testid="health-screen">
      <div className="panel-header">
        <h1 id="health-heading">Bench health</h1>
        <div className="button-row">
          <button type="button" onClick={check} data-testid="health-check-again">
            Check again
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => void makeReport()}
            data-testid="health-create-report"
          >
            Create system report
          </button>
        </div>
      </div>

      <div
        className="panel health-overview"
        aria-live="polite"
        data-testid="health-summary"
        hidden={!view && !checking}
      >
        {!view && checking && <p className="health-summary muted">Checking the bench…</p>}
        {view && worst && (
          <p className={`health-summary state-${worst.tone}`}>
            <span aria-hidden="true">{worst.icon}</span> {healthSummaryOf(view)}
          </p>
        )}
        {view && (
          <p className="muted" data-testid="health-checked-at">
            Checked at{' '}
            <time dateTime={new Date(view.checkedAt).toISOString()} title={formatDateTime(view.checkedAt)}>
              {formatClockTime(view.checkedAt)}
            </time>
            {checking ? ' — checking again…' : ''}
          </p>
        )}
      </div>

      {failure && (
        <div className="panel health-error" role="alert" data-testid="health-error">
          <p>
            <span aria-hidden="true">✖</span> <strong>The bench checks could not run.</strong> {failure}
          </p>
          <p className="muted">
            {view
              ? 'The results below are from the last check that ran. '
              : 'Nothing is known about this bench yet. '}
            Press Check again; if it keeps failing, restart the station.
          </p>
        </div>
      )}

      {view && view.checks.length > 0 && (
        <section aria-labelledby="health-checks-heading">
          <h2 id="health-checks-heading" className="visually-hidden">
            Checks
          </h2>
          <ul className="check-list">
            {view.checks.map((item) => (
              <li key={item.id}>
                <BenchCheckCard check={item} />
              </li>
            ))}
          </ul>
        </section>
      )}

      <div ref={reportRef} className="health-report-slot">
        {report.status === 'making' && (
          <p className="muted" role="status">
            Making the system report…
          </p>
        )}
        {report.status === 'error' && (
          <div className="panel health-error" role="alert" data-testid="health-report-error">
            <p>
              <span aria-hidden="true">✖</span> <strong>The system report could not be made.</strong>{' '}
              {report.message}
            </p>
            <p className="muted">Press Create system report to try again.</p>
          </div>
        )}
        {report.status === 'ready' && <SystemReportPanel report={report.report} />}
      </div>
    </main>
  );
}
