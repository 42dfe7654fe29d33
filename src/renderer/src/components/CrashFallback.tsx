import { useEffect, useRef, useState } from 'react';
import type { IpcResult } from '../../../shared/ipc-result.js';
import type { LogFolderOpenView } from '../../../shared/view-models.js';
import {
  logFolderOutcomeOf,
  logRedactionWords,
  type LogFolderOutcome,
} from '../diagnostics/log-folder-words.js';
import './crash-fallback.css';

/** What shows instead of a screen that failed to draw: what happened, that it is logged, what to do. */
export function CrashFallback({
  openLogFolder,
}: {
  openLogFolder: () => Promise<IpcResult<LogFolderOpenView>>;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [outcome, setOutcome] = useState<LogFolderOutcome | null>(null);
  // The screen the focus was on is gone: start the operator at this page's heading.
  useEffect(() => heading.current?.focus(), []);

  return (
    <main className="screen crash-fallback" aria-labelledby="crash-heading" data-testid="crash-fallback">
      <div className="panel narrow crash-panel">
        <h1 id="crash-heading" ref={heading} tabIndex={-1}>
          <span aria-hidden="true">⚠</span> This screen stopped working
        </h1>
        <p>
          Something went wrong while the station drew this screen. It is recorded in the log.{' '}
          {logRedactionWords} Devices already on the bench carry on: the station keeps working behind this
          page.
        </p>
        <p>Press Reload to show the station again. If it happens again, send the log folder to support.</p>
        <div className="button-row">
          <button type="button" onClick={() => window.location.reload()} data-testid="crash-reload">
            Reload
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => void openLogFolder().then((result) => setOutcome(logFolderOutcomeOf(result)))}
            data-testid="crash-open-logs"
          >
            Open log folder
          </button>
        </div>
        <p aria-live="polite" className={outcome?.tone === 'warn' ? 'state-warn' : 'muted'}>
          {outcome?.tone === 'warn' && <span aria-hidden="true">⚠ </span>}
          {outcome?.text ?? ''}
        </p>
      </div>
    </main>
  );
}
