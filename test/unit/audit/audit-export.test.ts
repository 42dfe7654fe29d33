import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditToCsv, auditToJson } from '../../../src/main/core/audit/audit-export.js';
import { Journal, type AuditRecord } from '../../../src/main/core/journal/journal.js';
import { auditRecordKeys } from '../../../src/main/core/journal/journal-records.js';
import { SecretShapeError } from '../../../src/main/core/journal/secret-shape-check.js';
import { ManualClock } from '../../support/manual-clock.js';
import { aBatch, anAudit, aRun, t0 } from '../journal/journal-fixtures.js';

/** A strict RFC 4180 reader, written here independently of the exporter. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let index = 0;
  while (index < text.length) {
    if (text[index] === '"') {
      index += 1;
      for (;;) {
        if (index >= text.length) throw new Error('unterminated quoted field');
        if (text[index] === '"') {
          if (text[index + 1] === '"') {
            field += '"';
            index += 2;
            continue;
          }
          index += 1;
          break;
        }
        field += text[index];
        index += 1;
      }
    } else {
      while (index < text.length && !',\r\n"'.includes(text[index] ?? '')) {
        field += text[index];
        index += 1;
      }
      if (text[index] === '"') throw new Error('quote inside an unquoted field');
    }
    row.push(field);
    field = '';
    if (text[index] === ',') {
      index += 1;
    } else if (text.startsWith('\r\n', index)) {
      rows.push(row);
      row = [];
      index += 2;
    } else if (index < text.length) {
      throw new Error(`bare line break or junk at ${index}`);
    }
  }
  if (row.length > 0) throw new Error('last record not terminated by CRLF');
  return rows;
}

const nullable = new Set<string>([
  'mode',
  'thingName',
  'certificateId',
  'fingerprint',
  'errorCode',
  'errorMessage',
  'replacedCertificateId',
  'replacedCertificateOutcome',
  'durationMs',
]);

/** Reads a CSV cell back the way the export documents: drop one leading ', empty = null. */
function recordFromCells(header: readonly string[], cells: readonly string[]): AuditRecord {
  const record: Record<string, unknown> = {};
  header.forEach((key, column) => {
    const raw = cells[column] ?? '';
    const value = raw.startsWith("'") ? raw.slice(1) : raw;
    if (key === 'at') record[key] = Date.parse(value);
    else if (key === 'parameters') record[key] = JSON.parse(value);
    else if (nullable.has(key) && value === '') record[key] = null;
    else if (key === 'durationMs') record[key] = Number(value);
    else record[key] = value;
  });
  return record as unknown as AuditRecord;
}

const awkward: AuditRecord[] = [
  anAudit(),
  anAudit({
    runId: 'run-2',
    batchLabel: 'Line "B", night shift,\r\nsecond half',
    serialNumber: '=HYPERLINK("http://evil.example","click")',
    model: '+SUM(A1:A9)',
    hardwareRevision: '-2+3',
    firmwareVersion: '@cmd',
    bayId: '\tbay',
    stationId: '\rstation',
    operatorUsername: "'quoted-already",
    parameters: { Note: 'a,b "c"\nd', Formula: '=1+1', Ünïcødé: 'ñ € 日本' },
    outcome: 'failed',
    mode: null,
    thingName: null,
    certificateId: null,
    fingerprint: null,
    errorCode: 'VERIFY_MISMATCH',
    errorMessage:
      "The certificate in the registry isn't the device's.\nAsk your AWS admin, then press Retry.",
    replacedCertificateId: 'f'.repeat(64),
    replacedCertificateOutcome: 'left-for-admin',
    durationMs: null,
  }),
  anAudit({
    runId: 'run-3',
    at: t0 + 123_456,
    outcome: 'already-provisioned',
    durationMs: 0,
    parameters: {},
  }),
];

describe('auditToCsv', () => {
  it('writes RFC 4180 with a header row that parses back to the same records', () => {
    const csv = auditToCsv(awkward);
    const [header, ...rows] = parseCsv(csv);
    expect(header).toEqual([...auditRecordKeys]);
    expect(rows).toHaveLength(awkward.length);
    expect(rows.every((row) => row.length === auditRecordKeys.length)).toBe(true);
    expect(rows.map((row) => recordFromCells(header ?? [], row))).toEqual(awkward);
  });

  it('never leaves a cell a spreadsheet would evaluate as a formula', () => {
    const rows = parseCsv(auditToCsv(awkward));
    const cells = rows.flat();
    expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
    const row = rows[2] ?? [];
    const cell = (key: string) => row[auditRecordKeys.indexOf(key as (typeof auditRecordKeys)[number])];
    expect(cell('serialNumber')).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(cell('model')).toBe("'+SUM(A1:A9)");
    expect(cell('hardwareRevision')).toBe("'-2+3");
    expect(cell('firmwareVersion')).toBe("'@cmd");
    expect(cell('bayId')).toBe("'\tbay");
    expect(cell('stationId')).toBe("'\rstation");
    expect(cell('operatorUsername')).toBe("''quoted-already");
  });

  it('quotes only where needed and writes times as ISO 8601', () => {
    const csv = auditToCsv([anAudit()]);
    const line = csv.split('\r\n')[1] ?? '';
    expect(line.startsWith('run-1,batch-1,"Line 3, morning",2026-01-01T08:00:09.000Z,ana.installer,')).toBe(
      true,
    );
    expect(line).toContain(',"{""Line"":""3"",""SerialNumber"":""SN-000001"",""Site"":""Lyon""}",csr,');
    expect(auditToCsv([])).toBe(`${auditRecordKeys.join(',')}\r\n`);
  });

  it('refuses a record holding a secret', () => {
    expect(() => auditToCsv([anAudit({ errorMessage: '-----BEGIN RSA PRIVATE KEY-----' })])).toThrow(
      SecretShapeError,
    );
  });
});

describe('auditToJson', () => {
  const clock = new ManualClock(Date.UTC(2026, 2, 4, 12, 30));

  it('writes a header and records that parse back to the same records', () => {
    const parsed = JSON.parse(auditToJson(awkward, clock)) as {
      exportedAt: string;
      count: number;
      records: unknown;
    };
    expect(Object.keys(parsed)).toEqual(['exportedAt', 'count', 'records']);
    expect(parsed.exportedAt).toBe('2026-03-04T12:30:00.000Z');
    expect(parsed.count).toBe(3);
    expect(parsed.records).toEqual(awkward);
  });

  it('is pretty and stable: fixed key order, parameter keys sorted', () => {
    const text = auditToJson([anAudit()], clock);
    expect(text).toContain('\n  "records": [\n    {\n      "runId": "run-1",');
    const parsed = JSON.parse(text) as { records: Record<string, unknown>[] };
    expect(Object.keys(parsed.records[0] ?? {})).toEqual([...auditRecordKeys]);
    const reordered = anAudit({ parameters: { SerialNumber: 'SN-000001', Site: 'Lyon', Line: '3' } });
    const shuffled = Object.fromEntries(Object.entries(reordered).reverse()) as unknown as AuditRecord;
    expect(auditToJson([shuffled], clock)).toBe(text);
    expect(Object.keys((parsed.records[0]?.parameters as object) ?? {})).toEqual([
      'Line',
      'SerialNumber',
      'Site',
    ]);
  });
});

describe('journal to export', () => {
  it('exports what the journal stored, unchanged, in both formats', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'audit-export-'));
    const journal = Journal.open(join(scratch, 'journal.sqlite'));
    try {
      journal.createBatch(aBatch());
      for (const record of awkward) journal.createRun(aRun({ id: record.runId }));
      for (const record of awkward) journal.writeAudit(record);
      const stored = journal.audit();
      const newestFirst = [...awkward].sort((a, b) => b.at - a.at || a.runId.localeCompare(b.runId));
      expect(stored).toEqual(newestFirst);
      const [header, ...rows] = parseCsv(auditToCsv(stored));
      expect(rows.map((row) => recordFromCells(header ?? [], row))).toEqual(newestFirst);
      expect((JSON.parse(auditToJson(stored)) as { records: unknown }).records).toEqual(newestFirst);
    } finally {
      journal.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
