/** A rendered row of a virtualised table: its index and where it starts and ends (px). */
export interface PlacedRow {
  index: number;
  start: number;
  end: number;
}

export type TablePiece = { kind: 'row'; index: number } | { kind: 'spacer'; key: string; height: number };

/**
 * The rows of a virtualised <table> with spacer rows standing in for the ones not rendered, so
 * the scroll height stays true. The rendered rows need not be one run: a row kept because it
 * holds the focus may sit far from the rows in view, with a spacer on each side of it.
 */
export function tablePieces(rows: readonly PlacedRow[], totalHeight: number): TablePiece[] {
  const pieces: TablePiece[] = [];
  let cursor = 0;
  for (const row of [...rows].sort((a, b) => a.index - b.index)) {
    if (row.start > cursor)
      pieces.push({ kind: 'spacer', key: `before-${row.index}`, height: row.start - cursor });
    pieces.push({ kind: 'row', index: row.index });
    cursor = Math.max(cursor, row.end);
  }
  if (totalHeight > cursor) pieces.push({ kind: 'spacer', key: 'after', height: totalHeight - cursor });
  return pieces;
}

/** The indexes to render: those in view, plus the one holding the focus wherever it is. */
export function withKeptIndex(indexes: readonly number[], kept: number | undefined): number[] {
  if (kept === undefined || indexes.includes(kept)) return [...indexes];
  return [...indexes, kept].sort((a, b) => a - b);
}
