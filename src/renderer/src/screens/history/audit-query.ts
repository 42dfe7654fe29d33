/** The most device rows the screen asks for at once; the export takes every matching row. */
export const auditRowLimit = 10_000;

export interface AuditSelection {
  /** The batch picked in the list, or null for all batches. */
  batchId: string | null;
  /** The normalised search, or undefined for none. */
  search: string | undefined;
}

/** The filter for history.audit and history.export: keys left out when unused (strict schema). */
export function auditFilterOf(selection: AuditSelection): { batchId?: string; search?: string } {
  return {
    ...(selection.batchId ? { batchId: selection.batchId } : {}),
    ...(selection.search ? { search: selection.search } : {}),
  };
}

function devices(count: number): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? 'device' : 'devices'}`;
}

/** One line above the list saying what it shows, so the operator knows a filter is on. */
export function describeShown(count: number, batchLabel: string | null, search: string | undefined): string {
  const scope = [batchLabel ? `in batch “${batchLabel}”` : null, search ? `matching “${search}”` : null]
    .filter((part) => part !== null)
    .join(' ');
  const counted = devices(count);
  if (count >= auditRowLimit) {
    return `The newest ${counted}${scope ? ` ${scope}` : ''} are shown. Search or pick a batch to see older ones.`;
  }
  if (count === 0) return scope ? `No device ${scope}.` : 'This station has no device records yet.';
  return `${counted}${scope ? ` ${scope}` : ''}.`;
}

/** What the export status line says after a save. */
export function describeExport(fileName: string, count: number): string {
  return `Saved ${devices(count)} to ${fileName}.`;
}
