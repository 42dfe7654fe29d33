import { useCallback, useMemo, useRef, useState } from 'react';
import type { EngineView } from '../../../shared/view-models.js';
import type { IpcResult } from '../../../shared/ipc-result.js';
import { useSingleFlight } from '../hooks/use-single-flight.js';
import { useNavigate } from '../navigation/route.js';
import { useScanHandler } from '../scanner/use-scan-handler.js';
import { setSoundOn, useAudibleCues } from '../sound/audible-cues.js';
import { runsInBays } from '../store/queue-state.js';
import { useStationState, useStationStore } from '../store/use-station-state.js';
import { BatchHeader } from './batch/BatchHeader.js';
import { BaysStrip } from './batch/BaysStrip.js';
import { ConfirmDialog } from './batch/ConfirmDialog.js';
import { findScannedRun } from './batch/find-scanned-run.js';
import { RunQueue } from './batch/RunQueue.js';
import './batch/batch-queue.css';

type Question = 'finish' | 'cancel' | null;

/**
 * The open batch, while it runs or is paused. Nothing here needs a click per device: devices are
 * plugged in, go green and are unplugged; the operator acts only on a failure or a confirmation.
 */
export function BatchQueueScreen({ focusRunId }: { focusRunId?: string | undefined }) {
  const { queue } = useStationState();
  const store = useStationStore();
  const navigate = useNavigate();
  const sound = useAudibleCues();
  // Only what happens while the queue is shown is announced, not the last cue from before.
  const [cuesBefore] = useState(sound.count);
  const [question, setQuestion] = useState<Question>(null);
  // Buttons stay focusable while an action runs (a disabled button drops the focus): it is ignored instead.
  const { busy, run: runBatchAction } = useSingleFlight();
  const [retrying, setRetrying] = useState<ReadonlySet<string>>(new Set());
  const retryingRef = useRef(new Set<string>());
  const [status, setStatus] = useState('');
  const onBench = useMemo(() => runsInBays(queue.bays), [queue.bays]);

  const batchAction = useCallback(
    (call: () => Promise<IpcResult<EngineView>>) =>
      runBatchAction(() => store.act(call(), store.engineApplied)),
    [runBatchAction, store],
  );

  const onDetails = useCallback(
    (runId: string) => navigate({ name: 'device', runId, from: 'batch' }),
    [navigate],
  );

  // Stable, so the memoised rows do not re-render for it.
  const onRetry = useCallback(
    (runId: string) => {
      if (retryingRef.current.has(runId)) return;
      retryingRef.current.add(runId);
      setRetrying((before) => new Set([...before, runId]));
      void store.act(store.api.runs.retry(runId)).then((result) => {
        retryingRef.current.delete(runId);
        setRetrying((before) => new Set([...before].filter((id) => id !== runId)));
        if (result.ok) setStatus(`Retrying ${result.value.serialNumber ?? 'the device'}.`);
      });
    },
    [store],
  );

  // A scanned label opens that device; the focus stays put otherwise.
  const onScan = useCallback(
    (code: string) => {
      const runId = findScannedRun(store.getSnapshot().queue.runs, code);
      if (runId) navigate({ name: 'device', runId, from: 'batch' });
      else setStatus(`No device with serial ${code} in this batch.`);
    },
    [navigate, store],
  );
  useScanHandler(onScan, question === null);

  const batch = queue.batch;
  if (!batch) return null;
  const stillActive = batch.counts.active + batch.counts.waiting;

  return (
    <main className="screen batch-queue" aria-labelledby="batch-queue-heading" data-testid="batch-queue">
      <BatchHeader
        batch={batch}
        busy={busy}
        sound={sound}
        onPause={() => void batchAction(() => store.api.batch.pause())}
        onResume={() => void batchAction(() => store.api.batch.resume())}
        onFinish={() => {
          if (busy) return;
          if (stillActive > 0) setQuestion('finish');
          else void batchAction(() => store.api.batch.finish());
        }}
        onCancel={() => {
          if (!busy) setQuestion('cancel');
        }}
        onToggleSound={() => setSoundOn(!sound.soundOn)}
      />

      <p className="queue-status" role="status" data-testid="queue-status">
        {status}
      </p>

      <BaysStrip
        bays={queue.bays}
        onProbe={(portPath) => void batchAction(() => store.api.bays.probe(portPath))}
      />

      <section className="panel queue-panel" aria-labelledby="queue-heading">
        <h2 id="queue-heading">Devices</h2>
        <p className="queue-announcement" role="status" data-testid="queue-announcement">
          {sound.count > cuesBefore ? sound.announcement : ''}
        </p>
        <RunQueue
          runs={queue.runs}
          retrying={retrying}
          onBench={onBench}
          restoreRunId={focusRunId}
          onDetails={onDetails}
          onRetry={onRetry}
        />
      </section>

      <ConfirmDialog
        open={question === 'finish'}
        title="Finish the batch now?"
        confirmLabel="Finish batch"
        cancelLabel="Keep it running"
        testId="finish-dialog"
        onCancel={() => setQuestion(null)}
        onConfirm={() => {
          setQuestion(null);
          void batchAction(() => store.api.batch.finish());
        }}
      >
        <p>
          {batch.counts.active} {batch.counts.active === 1 ? 'device is' : 'devices are'} still active and{' '}
          {batch.counts.waiting} waiting.
        </p>
        <p>
          Finishing cancels the devices that wait; failed devices stay failed in the record. While a device is
          in the middle of provisioning the station will not finish: wait for it, then finish again.
        </p>
      </ConfirmDialog>

      <ConfirmDialog
        open={question === 'cancel'}
        title="Cancel the whole batch?"
        confirmLabel="Cancel batch"
        cancelLabel="Keep the batch"
        danger
        testId="cancel-dialog"
        onCancel={() => setQuestion(null)}
        onConfirm={() => {
          setQuestion(null);
          void batchAction(() => store.api.batch.cancel());
        }}
      >
        <p>
          Every device not yet done is cancelled: claims held for them are wiped and the devices are told to
          stop. Devices already done keep their identity; failed ones stay failed in the record.
        </p>
      </ConfirmDialog>
    </main>
  );
}
