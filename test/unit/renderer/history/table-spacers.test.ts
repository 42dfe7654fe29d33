import { describe, expect, it } from 'vitest';
import { tablePieces, withKeptIndex } from '../../../../src/renderer/src/screens/history/table-spacers.js';

const row = (index: number, height = 56) => ({ index, start: index * height, end: (index + 1) * height });

describe('tablePieces (spacer rows of the virtualised History table)', () => {
  it('puts one spacer before and one after a run of rows in view', () => {
    expect(tablePieces([row(10), row(11), row(12)], 100 * 56)).toEqual([
      { kind: 'spacer', key: 'before-10', height: 560 },
      { kind: 'row', index: 10 },
      { kind: 'row', index: 11 },
      { kind: 'row', index: 12 },
      { kind: 'spacer', key: 'after', height: (100 - 13) * 56 },
    ]);
  });

  it('keeps a focused row far away in its true place, with the gap to the rows in view filled', () => {
    const pieces = tablePieces([row(50), row(51), row(2)], 100 * 56);
    expect(pieces).toEqual([
      { kind: 'spacer', key: 'before-2', height: 2 * 56 },
      { kind: 'row', index: 2 },
      { kind: 'spacer', key: 'before-50', height: (50 - 3) * 56 },
      { kind: 'row', index: 50 },
      { kind: 'row', index: 51 },
      { kind: 'spacer', key: 'after', height: (100 - 52) * 56 },
    ]);
    const height = pieces.reduce((sum, piece) => sum + (piece.kind === 'spacer' ? piece.height : 56), 0);
    expect(height).toBe(100 * 56);
  });

  it('needs no spacer at the ends of the list, and one spacer for the whole list when nothing is rendered', () => {
    expect(tablePieces([row(0), row(1)], 2 * 56)).toEqual([
      { kind: 'row', index: 0 },
      { kind: 'row', index: 1 },
    ]);
    expect(tablePieces([], 5000)).toEqual([{ kind: 'spacer', key: 'after', height: 5000 }]);
    expect(tablePieces([], 0)).toEqual([]);
  });
});

describe('withKeptIndex (the focused row stays rendered)', () => {
  it('adds the focused row to the rows in view, in order', () => {
    expect(withKeptIndex([20, 21, 22], 3)).toEqual([3, 20, 21, 22]);
    expect(withKeptIndex([20, 21, 22], 90)).toEqual([20, 21, 22, 90]);
  });

  it('changes nothing when no row holds the focus or it is already in view', () => {
    expect(withKeptIndex([20, 21, 22], undefined)).toEqual([20, 21, 22]);
    expect(withKeptIndex([20, 21, 22], 21)).toEqual([20, 21, 22]);
  });
});
