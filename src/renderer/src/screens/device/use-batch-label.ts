import type { BatchHistoryView, BatchView } from '../../../../shared/view-models.js';
import type { IpcResult } from '../../../../shared/ipc-result.js';
import { useIpcRead } from '../../hooks/use-ipc-read.js';
import { useStationStore } from '../../store/use-station-state.js';

const nothingToRead: IpcResult<BatchHistoryView[]> = { ok: true, value: [] };

/**
 * The label of the batch a run belonged to: from the queue when it is the batch the station
 * holds, else read once from the history of batches. Null while unknown (or for no batch).
 */
export function useBatchLabel(batchId: string | null, heldBatch: BatchView | null): string | null {
  const store = useStationStore();
  const known = batchId !== null && heldBatch?.id === batchId ? heldBatch.label : null;
  const wanted = batchId !== null && known === null ? batchId : null;
  const batches = useIpcRead(
    () => (wanted === null ? Promise.resolve(nothingToRead) : store.api.history.batches()),
    [wanted],
  );
  if (known !== null) return known;
  if (wanted === null || !batches.result?.ok) return null;
  return batches.result.value.find((batch) => batch.id === wanted)?.label ?? null;
}
