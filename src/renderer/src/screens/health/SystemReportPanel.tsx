import { useState } from 'react';
import type { SystemReportView } from '../../../../shared/view-models.js';
import { pageDownloadEnvironment } from '../../downloads/page-download-environment.js';
import { saveTextFile } from '../../downloads/text-file-download.js';
import { CopyButton } from './CopyButton.js';

/**
 * The report as the station made it, shown whole before it leaves the bench, so the operator can
 * see there is no password, key or token in it; then saved as a file or copied.
 */
export function SystemReportPanel({ report }: { report: SystemReportView }) {
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <section
      className="panel system-report"
      aria-labelledby="system-report-heading"
      data-testid="health-report"
    >
      <div className="panel-header">
        <h2 id="system-report-heading">System report</h2>
        <div className="button-row">
          <button
            type="button"
            onClick={() => {
              try {
                setSaved(
                  `Saved as ${saveTextFile({ ...report, mediaType: 'text/plain' }, pageDownloadEnvironment)}.`,
                );
              } catch {
                setSaved('This window could not save the file. Use Copy instead.');
              }
            }}
            data-testid="health-report-download"
          >
            Download
          </button>
          <CopyButton
            text={report.content}
            label="Copy"
            accessibleName="Copy the system report"
            testId="health-report-copy"
          />
        </div>
      </div>
      <p className="muted">
        <span className="mono">{report.fileName}</span> — versions, serial ports, permissions, the
        profile&apos;s ids and recent log lines. Read it through before you send it: it holds no password, key
        or token.
      </p>
      <p aria-live="polite" className="muted">
        {saved ?? ''}
      </p>
      <div className="scroll-box report-scroll" role="region" aria-label="System report text" tabIndex={0}>
        <pre className="mono" data-testid="health-report-text">
          {report.content}
        </pre>
      </div>
    </section>
  );
}
