/** Small statistics and formatting for the benchmarks' printed figures. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0-100) of a non-empty list; NaN for an empty one. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

export function verdict(met: boolean): string {
  return met ? 'PASS' : 'FAIL';
}

/** Right-aligned fixed-point number. */
export function num(value: number, digits = 1, width = 7): string {
  return (Number.isFinite(value) ? value.toFixed(digits) : '—').padStart(width);
}
