import { useEffect, useRef, useState } from 'react';
import type { RunDetailView, RunView } from '../../../shared/view-models.js';
import type { IpcResult } from '../../../shared/ipc-result.js';
import { phaseLook } from '../format/run-phase.js';
import { useNavigate } from '../navigation/route.js';
import { useAudibleCues } from '../sound/audible-cues.js';
import { useStationState, useStationStore } from '../store/use-station-state.js';
import { ConfirmDialog } from './batch/ConfirmDialog.js';
import { PhaseBadge } from './batch/PhaseBadge.js';
import { PhaseIcon } from './batch/PhaseIcon.js';
import { claimRemainingMs, formatCountdown, runProgress, runTicks } from './batch/run-progress.js';
import { useNow } from './batch/use-now.js';
import { FailurePanel, ReprovisionPanel } from './device/RunActionPanels.js';
import { RunIdentity, RunResult } from './device/RunFacts.js';
import { DeviceLog, RunTimeline } from './device/RunHistory.js';
import './batch/batch-queue.css';
import './device/device-detail.css';

type Loaded = { ok: true; value: RunDetailView } | { ok: false; message: string };

/**
 * Reads the run's detail, and again whenever the queue shows the run changed. At most one read
 * is under way: changes arriving meanwhile are folded into one more read when it answers.
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

/** One device run in full: identity, result, timeline, its own log, and what the operator can do. */
export function DeviceDetailScreen({ runId, from }: { runId: string; from: 'batch' | 'history' }) {
  const { queue } = useStationState();
  const store = useStationStore();
  const navigate = useNavigate();
  useAudibleCues();
  const liveRun = queue.byId.get(runId);
  const detail = useRunDetail(runId, liveRun);
  const [busy, setBusy] = useState(false);
  const busyRef = useRef(false);
  const [status, setStatus] = useState('');
  const [askCancel, setAskCancel] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  // The queue's copy is the freshest; the detail read adds timeline and log.
  const run = liveRun ?? (detail?.ok ? detail.value.run : undefined);
  const now = useNow(run ? runTicks(run) : false);
  const backLabel = from === 'history' ? 'Back to history' : 'Back to the queue';
  const back = () => navigate(from === 'history' ? { name: 'history' } : { name: 'batch' });

  const act = async (call: () => Promise<IpcResult<RunView>>, done: (run: RunView) => string) => {
    // The buttons stay focusable while busy (a disabled one drops the focus): a second press is ignored.
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    const result = await store.act(call());
    busyRef.current = false;
    setBusy(false);
    if (result.ok) {
      setStatus(done(result.value));
      // The buttons just pressed may be gone: keep the focus on the page, at its heading.
      heading.current?.focus();
    }
  };
  const actions = {
    busy,
    onConfirm: () =>
      void act(
        () => store.api.runs.confirmReprovision(runId),
        () => 'Confirmed: the device is being provisioned again.',
      ),
    onRetry: () =>
      void act(
        () => store.api.runs.retry(runId),
        () => 'Retrying with a fresh claim.',
      ),
    onCancel: () =>
      run?.phase === 'needs-confirmation'
        ? void act(
            () => store.api.runs.cancel(runId),
            () => 'Cancelled: the device keeps its identity.',
          )
        : setAskCancel(true),
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
        <h1 id="device-heading">Device</h1>
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
  const progress = runProgress(run);
  const claimLeft = claimRemainingMs(run, now);
  const cancellable = !look.final && run.phase !== 'needs-confirmation' && run.phase !== 'failed';

  return (
    <main
      className="screen device-detail"
      aria-labelledby="device-heading"
      data-testid="device-detail"
      data-run-id={run.runId}
      data-phase={run.phase}
    >
      {backButton}
      <div className={`panel detail-header phase-${run.phase}`}>
        <h1 id="device-heading" ref={heading} tabIndex={-1}>
          <span className="muted">Device </span>
          <span className="mono">{run.serialNumber ?? run.portPath}</span>
        </h1>
        <div className="detail-state">
          <PhaseBadge phase={run.phase} />
          <span className="detail-next">{look.next}</span>
        </div>
        {run.phase === 'done' ? (
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
              aria-disabled={busy}
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

      {run.phase === 'needs-confirmation' ? <ReprovisionPanel run={run} actions={actions} /> : null}
      {run.phase === 'failed' ? <FailurePanel run={run} actions={actions} /> : null}

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
        open={askCancel}
        title="Cancel this device?"
        confirmLabel="Cancel run"
        cancelLabel="Keep going"
        danger
        testId="cancel-run-dialog"
        onCancel={() => setAskCancel(false)}
        onConfirm={() => {
          setAskCancel(false);
          void act(
            () => store.api.runs.cancel(runId),
            () => 'Cancelled: the claim is wiped and the device was told to stop.',
          );
        }}
      >
        <p>
          The station stops working on {run.serialNumber ?? 'this device'}: a claim held for it is wiped and
          the device is told to stop. Plug it in again or retry it later to start over.
        </p>
      </ConfirmDialog>
    </main>
  );
}
