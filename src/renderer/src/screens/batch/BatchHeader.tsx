import type { BatchView } from '../../../../shared/view-models.js';
import { formatClockTime } from '../../format/time.js';
import type { CueState } from '../../sound/audible-cues.js';
import { BatchStatusBadge } from './BatchStatusBadge.js';
import { PhaseIcon } from './PhaseIcon.js';

export interface BatchHeaderProps {
  batch: BatchView;
  busy: boolean;
  sound: CueState;
  onPause: () => void;
  onResume: () => void;
  onFinish: () => void;
  onCancel: () => void;
  onToggleSound: () => void;
}

function Total({
  label,
  value,
  testId,
  tone,
}: {
  label: string;
  value: string;
  testId: string;
  tone?: string;
}) {
  return (
    <div className={`total ${tone ? `state-${tone}` : ''}`}>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

/** The open batch: what it is, where it stands, and its controls. */
export function BatchHeader(props: BatchHeaderProps) {
  const { batch, busy, sound } = props;
  const { counts } = batch;
  return (
    <section className="panel batch-header" aria-labelledby="batch-queue-heading">
      <div className="batch-title">
        <div>
          <h1 id="batch-queue-heading" data-testid="batch-label">
            {batch.label}
          </h1>
          <p className="muted batch-sub">
            Template <span className="mono">{batch.templateName}</span> ·{' '}
            {batch.bays === 1 ? 'one device at a time' : `${batch.bays} devices at a time`} · started{' '}
            {formatClockTime(batch.createdAt)} by {batch.operatorUsername}
          </p>
        </div>
        {/* Its own live region: "Paused" / "Running" is heard when it changes (e.g. from another window). */}
        <span className="batch-status-live" aria-live="polite" aria-atomic="true">
          <BatchStatusBadge status={batch.status} className="batch-status" testId="batch-status" />
        </span>
      </div>

      <dl className="totals" aria-label="Totals">
        <Total label="Done" value={String(counts.done)} testId="total-done" tone="ok" />
        <Total
          label="Failed"
          value={String(counts.failed)}
          testId="total-failed"
          tone={counts.failed > 0 ? 'fail' : undefined}
        />
        <Total label="Active" value={String(counts.active)} testId="total-active" />
        <Total label="Waiting" value={String(counts.waiting)} testId="total-waiting" />
        <Total
          label="Devices per hour"
          value={batch.devicesPerHour === null ? '—' : String(Math.round(batch.devicesPerHour))}
          testId="devices-per-hour"
        />
        {batch.targetCount !== null ? (
          <div className="total target">
            <dt>Target</dt>
            <dd>
              <span data-testid="target-progress">
                {counts.done} of {batch.targetCount}
              </span>
              <progress
                value={Math.min(counts.done, batch.targetCount)}
                max={batch.targetCount}
                aria-label={`Target: ${counts.done} of ${batch.targetCount} devices done`}
              />
            </dd>
          </div>
        ) : null}
      </dl>

      <div className="button-row batch-controls">
        {batch.status === 'running' ? (
          <button
            type="button"
            className="secondary"
            data-testid="pause-batch"
            aria-disabled={busy}
            onClick={props.onPause}
          >
            Pause
          </button>
        ) : (
          <button type="button" data-testid="resume-batch" aria-disabled={busy} onClick={props.onResume}>
            Resume
          </button>
        )}
        <button
          type="button"
          className="secondary"
          data-testid="finish-batch"
          aria-disabled={busy}
          onClick={props.onFinish}
        >
          Finish batch…
        </button>
        <button
          type="button"
          className="danger"
          data-testid="cancel-batch"
          aria-disabled={busy}
          onClick={props.onCancel}
        >
          Cancel batch…
        </button>
        <button
          type="button"
          className="secondary sound-toggle"
          aria-pressed={sound.soundOn}
          data-testid="sound-toggle"
          data-cue-count={sound.count}
          data-last-cue={sound.last ?? ''}
          onClick={props.onToggleSound}
        >
          <PhaseIcon icon={sound.soundOn ? 'sound-on' : 'sound-off'} className="inline-icon" />
          Sound cues <span aria-hidden="true">{sound.soundOn ? 'on' : 'off'}</span>
        </button>
      </div>
      {batch.status === 'paused' ? (
        <p className="paused-note state-warn" data-testid="paused-note">
          <PhaseIcon icon="pause" className="inline-icon" /> Paused: devices already being provisioned finish;
          new ones wait until you resume.
        </p>
      ) : null}
    </section>
  );
}
