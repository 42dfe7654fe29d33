import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useRef } from 'react';
import type { AuditRowView } from '../../../../shared/view-models.js';
import { formatDateTime } from '../../format/time.js';
import { StateWord } from './StateWord.js';
import { canPrintLabel, outcomeWordsOf } from './state-words.js';

/** Every row is this tall (two lines a cell at most, never wrapped), so thousands scroll smoothly. */
const rowHeight = 56;
const columnCount = 5;

/** One line of a cell, cut off with an ellipsis when long: the whole text is its tooltip. */
function Line({ text, className = '' }: { text: string; className?: string }) {
  return (
    <span className={`cell-line ${className}`.trim()} title={text}>
      {text}
    </span>
  );
}

function NoValue() {
  return (
    <>
      <span aria-hidden="true">—</span>
      <span className="visually-hidden">none</span>
    </>
  );
}

/** One device; memoised, so scrolling renders only the rows that came into view. */
const AuditRow = memo(function AuditRow({
  row,
  rowIndex,
  onPrintLabel,
  onDetails,
}: {
  row: AuditRowView;
  rowIndex: number;
  onPrintLabel: (row: AuditRowView) => void;
  onDetails: (row: AuditRowView) => void;
}) {
  return (
    <tr
      aria-rowindex={rowIndex}
      className={`audit-row outcome-${row.outcome}`}
      data-testid="history-device-row"
      data-run-id={row.runId}
      data-outcome={row.outcome}
    >
      <td>
        <span className="cell-line">
          <StateWord words={outcomeWordsOf(row.outcome)} className="outcome-word" />
        </span>
        {row.errorCode && (
          <span className="cell-line mono state-fail error-code" title={row.errorCode}>
            <span className="visually-hidden">Error code </span>
            {row.errorCode}
          </span>
        )}
      </td>
      <td>
        <Line text={row.serialNumber} className="mono serial" />
        <Line text={row.model} className="muted" />
      </td>
      <td>{row.thingName ? <Line text={row.thingName} className="mono" /> : <NoValue />}</td>
      <td>
        <Line text={row.batchLabel} />
        <Line text={`${formatDateTime(row.at)} · ${row.operatorUsername}`} className="muted" />
      </td>
      <td className="row-actions">
        {canPrintLabel(row) && (
          <button
            type="button"
            className="secondary"
            aria-label={`Print label for ${row.serialNumber}`}
            onClick={() => onPrintLabel(row)}
            data-testid="history-print-label"
          >
            Print label
          </button>
        )}
        <button
          type="button"
          className="link-button"
          aria-label={`Details for ${row.serialNumber}`}
          onClick={() => onDetails(row)}
          data-testid="history-device-details"
        >
          Details
        </button>
      </td>
    </tr>
  );
});

/**
 * The devices shown: a real table (so a screen reader knows rows and columns) of which only the
 * rows in view are rendered; spacer rows stand in for the rest and aria-rowcount gives the total.
 * Rows are keyed by run id, so focus on a button stays put when the list is read again.
 */
export function AuditTable({
  rows,
  busy,
  onPrintLabel,
  onDetails,
}: {
  rows: AuditRowView[];
  busy: boolean;
  onPrintLabel: (row: AuditRowView) => void;
  onDetails: (row: AuditRowView) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualiser hands back fresh functions each render by design; the compiler lint knows it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    getItemKey: (index) => rows[index]?.runId ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const before = items.length > 0 ? (items[0]?.start ?? 0) : 0;
  const after = items.length > 0 ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;

  return (
    <div className="audit-scroll" ref={scrollRef} data-testid="history-devices-scroll">
      <table
        className="data-table audit-table"
        aria-rowcount={rows.length + 1}
        aria-busy={busy}
        aria-labelledby="history-devices-heading"
        data-testid="history-devices"
      >
        <colgroup>
          <col className="col-outcome" />
          <col className="col-device" />
          <col className="col-thing" />
          <col className="col-batch" />
          <col className="col-actions" />
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">Outcome</th>
            <th scope="col">Serial number and model</th>
            <th scope="col">Thing name</th>
            <th scope="col">Batch, time and operator</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {before > 0 && (
            <tr aria-hidden="true" className="spacer-row">
              <td colSpan={columnCount} style={{ height: before }} />
            </tr>
          )}
          {items.map((item) => {
            const row = rows[item.index];
            return row ? (
              <AuditRow
                key={row.runId}
                row={row}
                rowIndex={item.index + 2}
                onPrintLabel={onPrintLabel}
                onDetails={onDetails}
              />
            ) : null;
          })}
          {after > 0 && (
            <tr aria-hidden="true" className="spacer-row">
              <td colSpan={columnCount} style={{ height: after }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
