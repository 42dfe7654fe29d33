import type { BatchHistoryView } from '../../../../shared/view-models.js';
import { formatDateTime } from '../../format/time.js';
import { StateWord } from './StateWord.js';
import { batchStatusWordsOf } from './state-words.js';

/** Past and open batches; picking one shows only its devices, "All batches" shows every device. */
export function BatchPicker({
  batches,
  selectedId,
  onSelect,
}: {
  batches: BatchHistoryView[];
  selectedId: string | null;
  onSelect: (batchId: string | null) => void;
}) {
  return (
    <ul className="batch-list" data-testid="history-batches">
      <li>
        <button
          type="button"
          className="batch-card all-batches"
          aria-pressed={selectedId === null}
          onClick={() => onSelect(null)}
          data-testid="history-batch-all"
        >
          <span className="batch-label">All batches</span>
        </button>
      </li>
      {batches.map((batch) => (
        <li key={batch.id}>
          <button
            type="button"
            className="batch-card"
            aria-pressed={selectedId === batch.id}
            onClick={() => onSelect(batch.id)}
            data-testid="history-batch"
            data-batch-id={batch.id}
          >
            <span className="batch-title">
              <span className="batch-label">{batch.label}</span>
              <StateWord words={batchStatusWordsOf(batch.status)} />
            </span>
            <span className="batch-meta">
              {batch.templateName} · {batch.operatorUsername} at {batch.stationId}
            </span>
            <span className="batch-meta">
              {formatDateTime(batch.createdAt)} –{' '}
              {batch.finishedAt ? formatDateTime(batch.finishedAt) : 'still open'}
            </span>
            <span className="batch-meta">
              {batch.targetCount === null ? 'No target' : `Target ${batch.targetCount}`} · {batch.bays}{' '}
              {batch.bays === 1 ? 'bay' : 'bays'}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
