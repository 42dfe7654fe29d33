import { useState } from 'react';
import {
  logFolderOutcomeOf,
  logRedactionWords,
  type LogFolderOutcome,
} from '../../diagnostics/log-folder-words.js';
import { useIpcRead } from '../../hooks/use-ipc-read.js';
import { useStationStore } from '../../store/use-station-state.js';
import { CopyButton } from './CopyButton.js';

/** Where the station's log files are, for sending to support; and a way to open or copy that place. */
export function LogsPanel() {
  const store = useStationStore();
  const folder = useIpcRead(() => store.api.logs.folder(), []);
  const path = folder.result?.ok ? folder.result.value.path : null;
  const [outcome, setOutcome] = useState<LogFolderOutcome | null>(null);
  const [opening, setOpening] = useState(false);

  const open = async () => {
    setOpening(true);
    const result = await store.api.logs.openFolder();
    setOpening(false);
    setOutcome(logFolderOutcomeOf(result));
  };

  return (
    <section className="panel logs-panel" aria-labelledby="logs-heading" data-testid="logs-panel">
      <div className="panel-header">
        <h2 id="logs-heading">Logs</h2>
        <div className="button-row">
          <button
            type="button"
            className="secondary"
            onClick={() => void open()}
            disabled={opening}
            data-testid="logs-open-folder"
          >
            Open log folder
          </button>
          {path && (
            <CopyButton
              text={path}
              label="Copy path"
              accessibleName="Copy path of the log folder"
              testId="logs-copy-path"
            />
          )}
        </div>
      </div>
      <p className="muted">
        station.log (older ones station.1.log to station.4.log) records what the station did — sign-ins,
        batches, each device&apos;s steps, problems and crashes. {logRedactionWords} A password typed into
        ordinary text has no shape to recognise: read the files before you send them.
      </p>
      <p className="mono logs-path" data-testid="logs-folder-path">
        {path ??
          (folder.result && !folder.result.ok
            ? `The log folder is not known: ${folder.result.error.message}`
            : 'Finding the log folder…')}
      </p>
      <p
        aria-live="polite"
        className={outcome?.tone === 'warn' ? 'state-warn' : 'muted'}
        data-testid="logs-open-outcome"
      >
        {outcome?.tone === 'warn' && <span aria-hidden="true">⚠ </span>}
        {outcome?.text ?? ''}
      </p>
    </section>
  );
}
