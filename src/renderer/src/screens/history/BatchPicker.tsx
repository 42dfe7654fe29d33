import { useEffect, useRef } from 'react';
import type { BatchHistoryView } from '../../../../shared/view-models.js';
import { batchStatusLook } from '../../format/run-phase.js';
import { formatDateTime } from '../../format/time.js';
import { PhaseIcon } from '../batch/PhaseIcon.js';

/** A batch's state as the queue shows it: the same icon, word and colour on every screen. */
function BatchStatus({ status }: { status: BatchHistoryView['status'] }) {
  const look = batchStatusLook(status);
  return (
    <span className={`state-word history-batch-status state-${look.tone}`}>
      <PhaseIcon icon={look.icon} className="inline-icon" /> {look.word}
    </span>
  );
}

/**
 * Past and open batches; picking one shows only its devices, "All batches" shows every device.
 * The batch picked before the operator left History is scrolled into view when they return.
 */
export function BatchPicker({
  batches,
  selectedId,
  onSelect,
}: {
  batches: BatchHistoryView[];
  selectedId: string | null;
  onSelect: (batchId: string | null) => void;
}) {
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    listRef.current?.querySelector('[aria-pressed="true"]')?.scrollIntoView({ block: 'nearest' });
  }, []);

  return (
    <ul className="batch-list" ref={listRef} data-testid="history-batches">
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
              <BatchStatus status={batch.status} />
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
