import { memo, useLayoutEffect, useRef } from 'react';
import type { RunView } from '../../../../shared/view-models.js';
import { phaseLook } from '../../format/run-phase.js';
import { formatDuration } from '../../format/time.js';
import { PhaseBadge } from './PhaseBadge.js';
import { PhaseIcon } from './PhaseIcon.js';
import { portName } from './port-name.js';
import { claimRemainingMs, formatCountdown, runElapsedMs, runProgress } from './run-progress.js';

/** Below this much claim validity the countdown turns to a warning. */
const claimWarnMs = 60_000;

export interface RunRowActions {
  onDetails: (runId: string) => void;
  onRetry: (runId: string) => void;
}

export interface RunRowProps extends RunRowActions {
  run: RunView;
  /** The shared clock's time while this row shows live times; 0 for a row that does not tick (memo). */
  now: number;
  /** A retry is on its way: the button waits for main's answer. */
  retrying: boolean;
  /** The device is still in its bay: a done row then says "Unplug"; once it is out, "Provisioned". */
  onBench: boolean;
}

function deviceName(run: RunView): string {
  return run.serialNumber ?? `the device on ${run.portPath}`;
}

/** What the run came to, or what it waits for, in the row's outcome column. */
function Outcome({
  run,
  onBench,
  onDetails,
}: {
  run: RunView;
  onBench: boolean;
  onDetails: (runId: string) => void;
}) {
  if (run.phase === 'done') {
    return (
      <div className="run-outcome">
        {onBench ? (
          <span className="unplug-cue state-ok" data-testid="unplug-cue">
            <PhaseIcon icon="check" className="unplug-icon" />
            Unplug
          </span>
        ) : (
          <span className="state-ok" data-testid="provisioned-cue">
            Provisioned
          </span>
        )}
        <span className="mono result-thing" data-testid="run-thing-name">
          {run.thingName ?? 'no Thing (the template makes none)'}
        </span>
      </div>
    );
  }
  if (run.phase === 'failed' && run.failure) {
    return (
      <div className="run-outcome run-failure" data-testid="run-failure">
        <p className="failure-message">{run.failure.message}</p>
        <p className="failure-hint">
          <span className="muted">What to do: </span>
          {run.failure.hint}
        </p>
        <p className="mono failure-code muted">{run.failure.code}</p>
      </div>
    );
  }
  if (run.phase === 'needs-confirmation') {
    return (
      <div className="run-outcome">
        <p className="confirm-note">
          Already holds identity{' '}
          <span className="mono">
            {run.heldIdentity?.thingName ?? run.heldIdentity?.certificateId.slice(0, 12) ?? '?'}
          </span>
          . Nothing happens until you confirm.
        </p>
        <button
          type="button"
          className="confirm-button"
          data-testid="confirm-reprovision"
          aria-label={`Confirm re-provision of ${deviceName(run)}`}
          onClick={() => onDetails(run.runId)}
        >
          Confirm re-provision…
        </button>
      </div>
    );
  }
  return (
    <div className="run-outcome">
      <p className="muted next-step">{phaseLook(run.phase).next}</p>
    </div>
  );
}

/** One device of the batch: who it is, where it is, how far along, and what the operator does. */
export const RunRow = memo(function RunRow({ run, now, retrying, onBench, onDetails, onRetry }: RunRowProps) {
  const retryFocused = useRef(false);
  const detailsButton = useRef<HTMLButtonElement>(null);
  // Retry disappears once the run moves on; the focus it held goes to the row's Details, not to the page.
  useLayoutEffect(() => {
    if (run.phase === 'failed' || !retryFocused.current) return;
    retryFocused.current = false;
    if (document.activeElement === null || document.activeElement === document.body)
      detailsButton.current?.focus();
  }, [run.phase]);

  const progress = runProgress(run);
  const claimLeft = now > 0 ? claimRemainingMs(run, now) : null;
  const name = deviceName(run);
  return (
    <div className={`run-row-body phase-${run.phase}`}>
      <div className="run-phase">
        <PhaseBadge phase={run.phase} />
      </div>
      <div className="run-device">
        <span className="run-serial mono" data-testid="run-serial">
          {run.serialNumber ?? 'Unknown device'}
        </span>
        <span className="run-meta">
          {[run.model, run.firmwareVersion ? `fw ${run.firmwareVersion}` : null]
            .filter(Boolean)
            .join(' · ') || 'Not announced yet'}
        </span>
        <span className="run-meta mono" title={run.portPath}>
          {portName(run.portPath)}
          {run.attempt > 1 ? ` · attempt ${run.attempt}` : ''}
        </span>
      </div>
      <div className="run-progress">
        {progress ? (
          <>
            <progress
              value={progress.value}
              max={progress.max}
              aria-label={`Progress of ${name}`}
              aria-valuetext={progress.text}
              data-testid="run-progress"
            />
            <span className="run-meta">{progress.text}</span>
          </>
        ) : null}
        {claimLeft !== null ? (
          <span
            className={`claim-countdown ${claimLeft < claimWarnMs ? 'state-warn' : ''}`}
            data-testid="claim-countdown"
          >
            {claimLeft < claimWarnMs ? <span aria-hidden="true">⚠ </span> : null}
            Claim valid {formatCountdown(claimLeft)}
          </span>
        ) : null}
        <span className="run-meta" data-testid="run-elapsed">
          {run.finishedAt === null ? 'Elapsed' : 'Took'} {formatDuration(runElapsedMs(run, now))}
        </span>
      </div>
      <Outcome run={run} onBench={onBench} onDetails={onDetails} />
      <div className="run-actions">
        {run.phase === 'failed' ? (
          <button
            type="button"
            data-testid="retry-run"
            aria-label={`Retry ${name}`}
            aria-disabled={retrying}
            onFocus={() => (retryFocused.current = true)}
            onBlur={() => (retryFocused.current = false)}
            onClick={() => onRetry(run.runId)}
          >
            {retrying ? 'Retrying…' : 'Retry'}
          </button>
        ) : null}
        <button
          type="button"
          className="secondary"
          data-testid="run-details"
          ref={detailsButton}
          aria-label={`Details of ${name}`}
          onClick={() => onDetails(run.runId)}
        >
          Details
        </button>
      </div>
    </div>
  );
});
