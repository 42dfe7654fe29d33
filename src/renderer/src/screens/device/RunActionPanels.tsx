import type { RunView } from '../../../../shared/view-models.js';
import { phaseLook } from '../../format/run-phase.js';
import { PhaseIcon } from '../batch/PhaseIcon.js';

export interface PanelActions {
  busy: boolean;
  onConfirm: () => void;
  onRetry: () => void;
  onCancel: () => void;
}

/** A device that already holds an identity: what it holds and exactly what a re-provision does. */
export function ReprovisionPanel({ run, actions }: { run: RunView; actions: PanelActions }) {
  const held = run.heldIdentity;
  const thing = held?.thingName ?? null;
  return (
    <section
      className="panel action-panel warn"
      aria-labelledby="reprovision-heading"
      data-testid="reprovision-panel"
    >
      <h2 id="reprovision-heading">
        <PhaseIcon icon="question" className="inline-icon" /> This device is already provisioned
      </h2>
      <dl className="facts wide">
        <div className="fact">
          <dt>Thing it belongs to</dt>
          <dd className="mono" data-testid="held-thing-name">
            {thing ?? 'none (its certificate is attached to no Thing)'}
          </dd>
        </div>
        <div className="fact">
          <dt>Its certificate</dt>
          <dd className="mono break" data-testid="held-certificate-id">
            {held?.certificateId ?? 'unknown'}
          </dd>
        </div>
      </dl>
      <p>Nothing has been changed on the device or in AWS. If you confirm a re-provision:</p>
      <ul className="consequences">
        <li>the device gets a new certificate from this batch’s template;</li>
        <li>
          its old certificate <span className="mono break">{held?.certificateId ?? ''}</span> is set{' '}
          <strong>INACTIVE</strong> and detached from{' '}
          {thing ? <span className="mono">{thing}</span> : 'its Thing'} — or, if your role may not do that,
          left for an administrator (the audit record says which).
        </li>
      </ul>
      <p className="muted">
        Cancel if this device should keep its identity: it is then left exactly as it is.
      </p>
      <div className="button-row">
        <button
          type="button"
          data-testid="confirm-reprovision"
          aria-disabled={actions.busy}
          onClick={actions.onConfirm}
        >
          Confirm re-provision
        </button>
        <button
          type="button"
          className="danger"
          data-testid="cancel-run"
          aria-disabled={actions.busy}
          onClick={actions.onCancel}
        >
          Cancel — keep its identity
        </button>
      </div>
    </section>
  );
}

/** What went wrong, what to do, and the underlying error: the same words live and on record. */
function FailureFacts({ failure }: { failure: NonNullable<RunView['failure']> }) {
  return (
    <>
      <p className="failure-message-large" data-testid="failure-message">
        {failure.message}
      </p>
      <p className="failure-hint-large">
        <strong>What to do: </strong>
        {failure.hint}
      </p>
      <dl className="facts wide">
        <div className="fact">
          <dt>Code</dt>
          <dd className="mono" data-testid="failure-code">
            {failure.code}
          </dd>
        </div>
        <div className="fact">
          <dt>Failed while</dt>
          <dd>{phaseLook(failure.phase).word}</dd>
        </div>
        <div className="fact">
          <dt>Retry</dt>
          <dd>
            {failure.retryable
              ? 'A retry may fix it.'
              : 'A retry alone is unlikely to fix it; see what to do first.'}
          </dd>
        </div>
      </dl>
      {failure.detail ? (
        <details className="failure-detail">
          <summary>The underlying error</summary>
          <pre className="mono">{failure.detail}</pre>
        </details>
      ) : null}
    </>
  );
}

/** A failed run in full: code, message, what to do, the underlying error, and the way out. */
export function FailurePanel({ run, actions }: { run: RunView; actions: PanelActions }) {
  const failure = run.failure;
  if (!failure) return null;
  return (
    <section
      className="panel action-panel fail"
      aria-labelledby="failure-heading"
      data-testid="failure-panel"
    >
      <h2 id="failure-heading">
        <PhaseIcon icon="cross" className="inline-icon" /> This device failed
      </h2>
      <FailureFacts failure={failure} />
      <div className="button-row">
        <button type="button" data-testid="retry-run" aria-disabled={actions.busy} onClick={actions.onRetry}>
          Retry
        </button>
        <button
          type="button"
          className="danger"
          data-testid="cancel-run"
          aria-disabled={actions.busy}
          onClick={actions.onCancel}
        >
          Cancel run
        </button>
      </div>
    </section>
  );
}

/** A run that failed and is no longer on the bench: why, for the record; nothing to press. */
export function FailureRecord({ run }: { run: RunView }) {
  const failure = run.failure;
  if (!failure) return null;
  return (
    <section
      className="panel action-panel fail"
      aria-labelledby="failure-record-heading"
      data-testid="failure-record"
    >
      <h2 id="failure-record-heading">
        <PhaseIcon icon="cross" className="inline-icon" /> Why this device failed
      </h2>
      <FailureFacts failure={failure} />
    </section>
  );
}
