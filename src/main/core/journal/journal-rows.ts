import type { SQLOutputValue } from 'node:sqlite';
import {
  batchStatuses,
  type AuditRecord,
  type BatchRecord,
  type DeviceRunRecord,
  type JournalEvent,
} from './journal-records.js';

/** Maps rows read from the journal to records, checking each column's type on the way. */

type Row = Record<string, SQLOutputValue>;

export function batchFromRow(row: Row): BatchRecord {
  return {
    id: text(row, 'id'),
    label: text(row, 'label'),
    templateName: text(row, 'template_name'),
    parameters: stringMap(row, 'parameters'),
    targetCount: optionalInteger(row, 'target_count'),
    bays: integer(row, 'bays'),
    stationId: text(row, 'station_id'),
    operatorUsername: text(row, 'operator_username'),
    operatorSub: text(row, 'operator_sub'),
    status: oneOf(row, 'status', batchStatuses),
    createdAt: integer(row, 'created_at'),
    finishedAt: optionalInteger(row, 'finished_at'),
  };
}

export function runFromRow(row: Row): DeviceRunRecord {
  return {
    id: text(row, 'id'),
    batchId: text(row, 'batch_id'),
    bayId: text(row, 'bay_id'),
    attempt: integer(row, 'attempt'),
    serialNumber: text(row, 'serial_number'),
    model: text(row, 'model'),
    hardwareRevision: text(row, 'hardware_revision'),
    firmwareVersion: text(row, 'firmware_version'),
    portPath: text(row, 'port_path'),
    usbLocation: optionalText(row, 'usb_location'),
    state: text(row, 'state'),
    snapshot: text(row, 'snapshot'),
    createdAt: integer(row, 'created_at'),
    updatedAt: integer(row, 'updated_at'),
  };
}

export function eventFromRow(row: Row): JournalEvent {
  return {
    seq: integer(row, 'seq'),
    runId: text(row, 'run_id'),
    at: integer(row, 'at'),
    type: text(row, 'type'),
    payload: text(row, 'payload'),
    state: text(row, 'state'),
  };
}

export function auditFromRow(row: Row): AuditRecord {
  return {
    runId: text(row, 'run_id'),
    batchId: text(row, 'batch_id'),
    batchLabel: text(row, 'batch_label'),
    at: integer(row, 'at'),
    operatorUsername: text(row, 'operator_username'),
    operatorSub: text(row, 'operator_sub'),
    stationId: text(row, 'station_id'),
    bayId: text(row, 'bay_id'),
    serialNumber: text(row, 'serial_number'),
    model: text(row, 'model'),
    firmwareVersion: text(row, 'firmware_version'),
    hardwareRevision: text(row, 'hardware_revision'),
    templateName: text(row, 'template_name'),
    parameters: stringMap(row, 'parameters'),
    mode: optionalOneOf(row, 'mode', ['csr', 'keys'] as const),
    thingName: optionalText(row, 'thing_name'),
    certificateId: optionalText(row, 'certificate_id'),
    fingerprint: optionalText(row, 'fingerprint'),
    outcome: oneOf(row, 'outcome', ['provisioned', 'failed', 'cancelled', 'already-provisioned'] as const),
    errorCode: optionalText(row, 'error_code'),
    errorMessage: optionalText(row, 'error_message'),
    replacedCertificateId: optionalText(row, 'replaced_certificate_id'),
    replacedCertificateOutcome: optionalOneOf(row, 'replaced_certificate_outcome', [
      'retired',
      'left-for-admin',
    ] as const),
    durationMs: optionalInteger(row, 'duration_ms'),
  };
}

/** Stores a string map as JSON with sorted keys, so equal maps are equal text. */
export function stringMapToJson(map: Record<string, string>): string {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(map).sort()) {
    const value = map[key];
    if (typeof value !== 'string') throw new TypeError(`parameter ${key} is not a string`);
    sorted[key] = value;
  }
  return JSON.stringify(sorted);
}

function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw columnError(column, 'text');
  return value;
}

function optionalText(row: Row, column: string): string | null {
  return row[column] === null ? null : text(row, column);
}

function integer(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw columnError(column, 'an integer');
  return value;
}

function optionalInteger(row: Row, column: string): number | null {
  return row[column] === null ? null : integer(row, column);
}

function oneOf<T extends string>(row: Row, column: string, allowed: readonly T[]): T {
  const value = text(row, column);
  if (!(allowed as readonly string[]).includes(value)) throw columnError(column, allowed.join(' | '));
  return value as T;
}

function optionalOneOf<T extends string>(row: Row, column: string, allowed: readonly T[]): T | null {
  return row[column] === null ? null : oneOf(row, column, allowed);
}

function stringMap(row: Row, column: string): Record<string, string> {
  const parsed: unknown = JSON.parse(text(row, column));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw columnError(column, 'a map');
  const map: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw columnError(column, 'a map of strings');
    map[key] = value;
  }
  return map;
}

function columnError(column: string, expected: string): Error {
  return new Error(`journal: column ${column} does not hold ${expected}; the journal file may be damaged.`);
}
