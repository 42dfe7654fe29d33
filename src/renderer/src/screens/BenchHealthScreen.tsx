import { useEffect, useRef, useState } from 'react';
import type { BenchHealthView, SystemReportView } from '../../../shared/view-models.js';
import { formatClockTime, formatDateTime } from '../format/time.js';
import { useIpcRead } from '../hooks/use-ipc-read.js';
import { useStationStore } from '../store/use-station-state.js';
import { BenchCheckCard } from './health/BenchCheckCard.js';
import { LogsPanel } from './health/LogsPanel.js';
import { SystemReportPanel } from './health/SystemReportPanel.js';
import { checkStatusWordsOf, healthSummaryOf, worstStatusOf } from './health/check-status.js';
import './health/health.css';

type Report =
  | { status: 'none' }
  | { status: 'making' }
  | { status: 'ready'; report: SystemReportView }
  | { status: 'error'; message: string };

/** What can stop this bench working, each with its fix; and a report for support. */
export function BenchHealthScreen() {
  const store = useStationStore();
  // The checks run on arrival and again per Check again; only the newest answer counts.
  const checks = useIpcRead(() => store.api.health.check(), []);
  const latest = checks.result?.ok ? checks.result.value : null;
  /** The last results that arrived, kept on screen through a re-check or a failed one. */
  const [lastView, setLastView] = useState<BenchHealthView | null>(null);
  if (latest !== null && latest !== lastView) setLastView(latest);
  const view = latest ?? lastView;
  const checking = checks.loading;
  const failure = !checking && checks.result?.ok === false ? checks.result.error.message : null;

  const [report, setReport] = useState<Report>({ status: 'none' });
  const reportRef = useRef<HTMLDivElement>(null);
  /** Counts report requests: only the newest one's answer is shown, and none after the screen went. */
  const reportRequest = useRef(0);
  useEffect(() => {
    const requests = reportRequest;
    return () => {
      requests.current += 1;
    };
  }, []);

  const makeReport = async () => {
    const request = ++reportRequest.current;
    setReport({ status: 'making' });
    const result = await store.api.health.report();
    if (request !== reportRequest.current) return;
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
          <button type="button" onClick={checks.reload} data-testid="health-check-again">
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

      <LogsPanel />

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
