import { defaultRangeExtractor, type Range, useVirtualizer } from '@tanstack/react-virtual';
import { type FocusEvent, memo, useCallback, useEffect, useMemo, useRef } from 'react';
import type { AuditRowView } from '../../../../shared/view-models.js';
import { formatDateTime } from '../../format/time.js';
import { StateWord } from './StateWord.js';
import { canPrintLabel, outcomeWordsOf } from './state-words.js';
import { tablePieces, withKeptIndex } from './table-spacers.js';

/** Most rows are this tall (two lines a cell); a long thing name wraps and its row is measured. */
const estimatedRowHeight = 56;
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
  index,
  measureRef,
  onPrintLabel,
  onDetails,
}: {
  row: AuditRowView;
  index: number;
  measureRef: (element: HTMLTableRowElement | null) => void;
  onPrintLabel: (row: AuditRowView) => void;
  onDetails: (row: AuditRowView) => void;
}) {
  return (
    <tr
      ref={measureRef}
      data-index={index}
      aria-rowindex={index + 2}
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
      <td>
        {/* Wrapped, never cut: the operator reads the whole name, from the bench if need be. */}
        {row.thingName ? <span className="cell-wrap mono thing-name">{row.thingName}</span> : <NoValue />}
      </td>
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
 * Rows are keyed by run id, so focus on a button stays put when the list is read again, and the
 * row holding the focus stays rendered when it is scrolled out of view. Coming back from a
 * device's detail, the list starts where it was left and that device's Details takes the focus.
 */
export function AuditTable({
  rows,
  busy,
  onPrintLabel,
  onDetails,
  initialScrollTop,
  onScrollTop,
  returnToRunId,
}: {
  rows: AuditRowView[];
  busy: boolean;
  onPrintLabel: (row: AuditRowView) => void;
  onDetails: (row: AuditRowView) => void;
  /** Where the list starts scrolled to (px), when it first appears. */
  initialScrollTop: number;
  onScrollTop: (scrollTop: number) => void;
  /** The device whose Details button takes the focus when the list first appears. */
  returnToRunId: string | null;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  /** The run whose row holds the focus (or is about to take it back): kept rendered. */
  const keptRunId = useRef<string | null>(returnToRunId);
  const returned = useRef(false);

  const indexById = useMemo(() => new Map(rows.map((row, index) => [row.runId, index])), [rows]);
  const rangeExtractor = useCallback(
    (range: Range) =>
      withKeptIndex(
        defaultRangeExtractor(range),
        keptRunId.current === null ? undefined : indexById.get(keptRunId.current),
      ),
    [indexById],
  );

  // The virtualiser hands back fresh functions each render by design; the compiler lint knows it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => estimatedRowHeight,
    overscan: 12,
    getItemKey: (index) => rows[index]?.runId ?? index,
    rangeExtractor,
    initialOffset: initialScrollTop,
  });
  const items = virtualizer.getVirtualItems();
  const pieces = tablePieces(items, virtualizer.getTotalSize());

  // The first render knows no viewport yet and renders no row: the focus goes back once rows are in.
  const rendered = items.length > 0;
  useEffect(() => {
    if (returned.current || returnToRunId === null || !rendered) return;
    returned.current = true;
    const row = scrollRef.current?.querySelector<HTMLElement>(
      `tr[data-run-id="${CSS.escape(returnToRunId)}"]`,
    );
    const details = row?.querySelector<HTMLButtonElement>('[data-testid="history-device-details"]');
    if (details) details.focus();
    else keptRunId.current = null;
  }, [returnToRunId, rendered]);

  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('tr[data-run-id]');
    keptRunId.current = row?.dataset['runId'] ?? null;
  };
  const onBlur = (event: FocusEvent<HTMLDivElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) keptRunId.current = null;
  };

  return (
    <div
      className="audit-scroll"
      ref={scrollRef}
      onScroll={(event) => onScrollTop(event.currentTarget.scrollTop)}
      onFocus={onFocus}
      onBlur={onBlur}
      data-testid="history-devices-scroll"
    >
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
          {pieces.map((piece) => {
            if (piece.kind === 'spacer') {
              return (
                <tr key={piece.key} aria-hidden="true" className="spacer-row">
                  <td colSpan={columnCount} style={{ height: piece.height }} />
                </tr>
              );
            }
            const row = rows[piece.index];
            return row ? (
              <AuditRow
                key={row.runId}
                row={row}
                index={piece.index}
                measureRef={virtualizer.measureElement}
                onPrintLabel={onPrintLabel}
                onDetails={onDetails}
              />
            ) : null;
          })}
        </tbody>
      </table>
    </div>
  );
}
