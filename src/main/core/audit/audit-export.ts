import { auditRecordKeys, type AuditRecord } from '../journal/journal-records.js';
import { assertNoSecretShapes } from '../journal/secret-shape-check.js';
import { systemClock, type Clock } from '../time/clock.js';

/**
 * Audit exports for people and spreadsheets. Columns and keys follow auditRecordKeys; times in CSV
 * and the export header are ISO 8601 UTC, in JSON records they stay epoch milliseconds as stored.
 * Records are checked for secret shapes once more, since an export leaves the station.
 */

/** Cells a spreadsheet would evaluate as a formula (OWASP "CSV injection"); `'` so the guard itself round-trips. */
const formulaStart = /^[=+\-@\t\r']/;

/**
 * RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they hold a comma, quote, CR or LF.
 * Empty cell = null. `parameters` is one JSON cell. A cell that a spreadsheet would run as a formula
 * (starting with = + - @ TAB CR) gets a leading `'`, as does one already starting with `'`, so a
 * reader recovers the value by dropping one leading `'`.
 */
export function auditToCsv(records: readonly AuditRecord[]): string {
  const lines = [auditRecordKeys.map(csvField).join(',')];
  for (const record of records) {
    assertNoSecretShapes(record, 'audit');
    lines.push(auditRecordKeys.map((key) => csvField(csvCell(record, key))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Pretty JSON `{ exportedAt, count, records }` with keys in a fixed order (parameters sorted). */
export function auditToJson(
  records: readonly AuditRecord[],
  clock: Pick<Clock, 'now'> = systemClock,
): string {
  const ordered = records.map((record) => {
    assertNoSecretShapes(record, 'audit');
    const copy: Record<string, unknown> = {};
    for (const key of auditRecordKeys) {
      copy[key] = key === 'parameters' ? sortedMap(record.parameters) : record[key];
    }
    return copy;
  });
  const document = {
    exportedAt: new Date(clock.now()).toISOString(),
    count: ordered.length,
    records: ordered,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function csvCell(record: AuditRecord, key: (typeof auditRecordKeys)[number]): string {
  if (key === 'at') return new Date(record.at).toISOString();
  if (key === 'parameters') return JSON.stringify(sortedMap(record.parameters));
  const value = record[key];
  return value === null ? '' : String(value);
}

function csvField(value: string): string {
  const guarded = formulaStart.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

function sortedMap(map: Record<string, string>): Record<string, string> {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(map).sort()) sorted[key] = map[key] ?? '';
  return sorted;
}
