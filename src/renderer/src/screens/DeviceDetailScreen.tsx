import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { RunDetailView, RunView } from '../../../shared/view-models.js';
import type { IpcResult } from '../../../shared/ipc-result.js';
import { phaseLook } from '../format/run-phase.js';
import { useSingleFlight } from '../hooks/use-single-flight.js';
import { useNavigate } from '../navigation/route.js';
import { useScanHandler } from '../scanner/use-scan-handler.js';
import { useAudibleCues } from '../sound/audible-cues.js';
import { isBatchOpen, runOnBench, runsInBays } from '../store/queue-state.js';
import { useStationState, useStationStore } from '../store/use-station-state.js';
import { ConfirmDialog } from './batch/ConfirmDialog.js';
import { findScannedRun } from './batch/find-scanned-run.js';
import { PhaseBadge } from './batch/PhaseBadge.js';
import { PhaseIcon } from './batch/PhaseIcon.js';
import { claimRemainingMs, formatCountdown, runProgress, runTicks } from './batch/run-progress.js';
import { useNow } from './batch/use-now.js';
import { FailurePanel, FailureRecord, ReprovisionPanel } from './device/RunActionPanels.js';
import { RunIdentity, RunResult } from './device/RunFacts.js';
import { DeviceLog, RunTimeline } from './device/RunHistory.js';
import { useBatchLabel } from './device/use-batch-label.js';
import { useHeadingFocus } from './device/use-heading-focus.js';
import './batch/batch-queue.css';
import './device/device-detail.css';

type Loaded = { ok: true; value: RunDetailView } | { ok: false; message: string };

type Question = 'cancel' | 'reprovision' | null;

/**
 * Reads the run's detail, and again whenever the queue shows the run changed. At most one read
 * is under way: changes arriving meanwhile are folded into one more read when it answers (a run
 * changes faster than useIpcRead's "newest read wins" would ever let an answer through). A run
 * no longer on the bench never changes, so it is read once.
 */
function useRunDetail(runId: string, liveRun: RunView | undefined): Loaded | null {
  const store = useStationStore();
  const [loaded, setLoaded] = useState<{ runId: string; result: Loaded } | null>(null);
  const requestRead = useRef<((seen: RunView | undefined) => void) | null>(null);

  useEffect(() => {
    let live = true;
    let reading = false;
    let again = false;
    let lastSeen: RunView | undefined | null = null;
    const read = () => {
      reading = true;
      void store.api.runs.detail(runId).then((result) => {
        reading = false;
        if (!live) return;
        setLoaded({ runId, result: result.ok ? result : { ok: false, message: result.error.message } });
        if (again) {
          again = false;
          read();
        }
      });
    };
    requestRead.current = (seen) => {
      if (seen === lastSeen) return;
      lastSeen = seen;
      if (reading) again = true;
      else read();
    };
    return () => {
      live = false;
      requestRead.current = null;
    };
  }, [store, runId]);

  useEffect(() => requestRead.current?.(liveRun), [runId, liveRun]);

  return loaded?.runId === runId ? loaded.result : null;
}

/**
 * One device run in full: identity, result, timeline, its own log, and what the operator can do.
 * A run not in the open batch (opened from History, or its batch just finished) is shown as a
 * record only: nothing to retry, cancel or confirm, and no "Unplug" for a device long gone.
 */
export function DeviceDetailScreen({ runId, from }: { runId: string; from: 'batch' | 'history' }) {
  const { queue } = useStationState();
  const store = useStationStore();
  const navigate = useNavigate();
  useAudibleCues();
  const liveRun = runOnBench(queue, runId);
  const onBench = liveRun !== undefined;
  // "Unplug" only while the device is still in its bay, as on the queue.
  const inBay = useMemo(() => runsInBays(queue.bays).has(runId), [queue.bays, runId]);
  const detail = useRunDetail(runId, liveRun);
  const action = useSingleFlight();
  const [status, setStatus] = useState('');
  const [question, setQuestion] = useState<Question>(null);
  const heading = useHeadingFocus(runId);

  // The queue's copy is the freshest; the detail read adds timeline and log.
  const run = liveRun ?? (detail?.ok ? detail.value.run : undefined);
  const batchLabel = useBatchLabel(onBench ? null : (run?.batchId ?? null), queue.batch);
  const now = useNow(onBench && run ? runTicks(run) : false);
  const backLabel = from === 'history' ? 'Back to history' : 'Back to the queue';
  const back = () =>
    navigate(from === 'history' ? { name: 'history' } : { name: 'batch', focusRunId: runId });

  // A scanned label opens that device of the open batch; the scan's Enter pressed nothing here.
  const onScan = useCallback(
    (code: string) => {
      const { queue: shownQueue } = store.getSnapshot();
      if (!isBatchOpen(shownQueue.batch)) {
        setStatus(`No batch is open: search for ${code} on the History screen.`);
        return;
      }
      const found = findScannedRun(shownQueue.runs, code);
      if (found === null) setStatus(`No device with serial ${code} in this batch.`);
      else if (found === runId) setStatus(`${code} is the device shown.`);
      else navigate({ name: 'device', runId: found, from: 'batch' });
    },
    [navigate, runId, store],
  );
  useScanHandler(onScan, question === null);

  const act = (call: () => Promise<IpcResult<RunView>>, done: (run: RunView) => string) =>
    // The buttons stay focusable while busy (a disabled one drops the focus): a second press is ignored.
    void action.run(async () => {
      const result = await store.act(call());
      if (result.ok) {
        setStatus(done(result.value));
        // The buttons just pressed may be gone: keep the focus on the page, at its heading.
        heading.current?.focus();
      }
    });
  const actions = {
    busy: action.busy,
    onConfirm: () => {
      if (!action.busy) setQuestion('reprovision');
    },
    onRetry: () =>
      act(
        () => store.api.runs.retry(runId),
        () => 'Retrying with a fresh claim.',
      ),
    onCancel: () =>
      run?.phase === 'needs-confirmation'
        ? act(
            () => store.api.runs.cancel(runId),
            () => 'Cancelled: the device keeps its identity.',
          )
        : setQuestion('cancel'),
  };

  const backButton = (
    <button type="button" className="secondary back-button" data-testid="detail-back" onClick={back}>
      <span aria-hidden="true">← </span>
      {backLabel}
    </button>
  );

  if (!run) {
    return (
      <main className="screen device-detail" aria-labelledby="device-heading" data-testid="device-detail">
        {backButton}
        <h1 id="device-heading" ref={heading} tabIndex={-1}>
          Device
        </h1>
        {detail && !detail.ok ? (
          <p className="panel detail-error" role="alert" data-testid="detail-error">
            {detail.message}
          </p>
        ) : (
          <p role="status" className="muted">
            Reading the device’s record…
          </p>
        )}
      </main>
    );
  }

  const look = phaseLook(run.phase);
  const progress = onBench ? runProgress(run) : null;
  const claimLeft = onBench ? claimRemainingMs(run, now) : null;
  const cancellable = onBench && !look.final && run.phase !== 'needs-confirmation' && run.phase !== 'failed';
  const deviceName = run.serialNumber ?? 'this device';
  const held = run.heldIdentity;

  return (
    <main
      className="screen device-detail"
      aria-labelledby="device-heading"
      data-testid="device-detail"
      data-run-id={run.runId}
      data-phase={run.phase}
      data-on-bench={onBench}
    >
      {backButton}
      <div className={`panel detail-header phase-${run.phase}`}>
        <h1 id="device-heading" ref={heading} tabIndex={-1}>
          <span className="muted">Device </span>
          <span className="mono">{run.serialNumber ?? run.portPath}</span>
        </h1>
        {/* Its own live region: the phase is heard as it changes, with what to do now. */}
        <div className="detail-state" aria-live="polite" aria-atomic="true" data-testid="detail-phase">
          <PhaseBadge phase={run.phase} />
          {onBench ? <span className="detail-next">{look.next}</span> : null}
        </div>
        {onBench ? null : (
          <p className="read-only-note" data-testid="detail-read-only">
            <PhaseIcon icon="flag" className="inline-icon" />
            {batchLabel === null ? (
              'From an earlier batch'
            ) : (
              <>
                From batch <strong>{batchLabel}</strong>
              </>
            )}{' '}
            — no longer on the bench. This is its record; nothing here acts on the device.
          </p>
        )}
        {onBench && run.phase === 'done' && inBay ? (
          <p className="unplug-cue state-ok" data-testid="unplug-cue">
            <PhaseIcon icon="check" className="unplug-icon" />
            Unplug
          </p>
        ) : null}
        {progress ? (
          <div className="detail-progress">
            <progress
              value={progress.value}
              max={progress.max}
              aria-label="Progress of this device"
              aria-valuetext={progress.text}
              data-testid="run-progress"
            />
            <span className="muted">{progress.text}</span>
          </div>
        ) : null}
        {claimLeft !== null ? (
          <p className="claim-countdown" data-testid="claim-countdown">
            Claim valid for {formatCountdown(claimLeft)}
          </p>
        ) : null}
        {cancellable ? (
          <div className="button-row">
            <button
              type="button"
              className="danger"
              data-testid="cancel-run"
              aria-disabled={action.busy}
              onClick={actions.onCancel}
            >
              Cancel run…
            </button>
          </div>
        ) : null}
        {detail && !detail.ok ? (
          <p className="field-error" role="alert" data-testid="detail-error">
            {detail.message}
          </p>
        ) : null}
      </div>

      <p className="detail-status" role="status" data-testid="detail-status">
        {status}
      </p>

      {onBench && run.phase === 'needs-confirmation' ? (
        <ReprovisionPanel run={run} actions={actions} />
      ) : null}
      {onBench && run.phase === 'failed' ? <FailurePanel run={run} actions={actions} /> : null}
      {!onBench && run.phase === 'failed' ? <FailureRecord run={run} /> : null}

      <div className="detail-columns">
        <RunIdentity run={run} now={now} />
        <RunResult run={run} />
      </div>
      {detail?.ok ? (
        <>
          <RunTimeline timeline={detail.value.timeline} />
          <DeviceLog lines={detail.value.deviceLog} />
        </>
      ) : null}

      <ConfirmDialog
        open={question === 'cancel'}
        title="Cancel this device?"
        confirmLabel="Cancel run"
        cancelLabel="Keep going"
        danger
        testId="cancel-run-dialog"
        onCancel={() => setQuestion(null)}
        onConfirm={() => {
          setQuestion(null);
          act(
            () => store.api.runs.cancel(runId),
            () => 'Cancelled: the claim is wiped and the device was told to stop.',
          );
        }}
      >
        <p>
          The station stops working on {deviceName}: a claim held for it is wiped and the device is told to
          stop. Plug it in again or retry it later to start over.
        </p>
      </ConfirmDialog>

      <ConfirmDialog
        open={question === 'reprovision'}
        title={`Re-provision ${deviceName}?`}
        confirmLabel="Re-provision"
        cancelLabel="Not now"
        danger
        testId="reprovision-dialog"
        onCancel={() => setQuestion(null)}
        onConfirm={() => {
          setQuestion(null);
          act(
            () => store.api.runs.confirmReprovision(runId),
            () => 'Confirmed: the device is being provisioned again.',
          );
        }}
      >
        <p>
          The device gets a new certificate from this batch’s template, and its old certificate{' '}
          <span className="mono break">{held?.certificateId ?? '(unknown)'}</span>
        </p>
        <ul className="consequences">
          <li>
            is set <strong>INACTIVE</strong> and detached from{' '}
            {held?.thingName ? <span className="mono">{held.thingName}</span> : 'its Thing'}: anything still
            using it can no longer connect;
          </li>
          <li>
            or, if your role may not retire certificates, is left as it is for an administrator (the audit
            record says which).
          </li>
        </ul>
        <p>This cannot be undone from the station.</p>
      </ConfirmDialog>
    </main>
  );
}
