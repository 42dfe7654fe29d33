import type { DatabaseSync } from 'node:sqlite';
import { StationError } from '../station-error.js';

/** Marks the file as a station journal ("PSJ1"), so a foreign SQLite file is never migrated. */
export const journalApplicationId = 0x50534a31;

/**
 * Schema versions, oldest first; `PRAGMA user_version` is the number applied. Append only: a
 * released migration is never edited, a change is a new entry.
 */
const migrations: readonly string[] = [
  `
  CREATE TABLE batches (
    id TEXT PRIMARY KEY NOT NULL,
    label TEXT NOT NULL,
    template_name TEXT NOT NULL,
    parameters TEXT NOT NULL CHECK (json_valid(parameters)),
    target_count INTEGER CHECK (target_count IS NULL OR target_count > 0),
    bays INTEGER NOT NULL CHECK (bays >= 1),
    station_id TEXT NOT NULL,
    operator_username TEXT NOT NULL,
    operator_sub TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'finished', 'cancelled')),
    created_at INTEGER NOT NULL,
    finished_at INTEGER
  ) STRICT;
  -- At most one batch the station must restart into.
  CREATE UNIQUE INDEX batches_one_open ON batches ((0)) WHERE status IN ('running', 'paused');
  CREATE INDEX batches_by_created ON batches (created_at);

  CREATE TABLE device_runs (
    id TEXT PRIMARY KEY NOT NULL,
    batch_id TEXT NOT NULL REFERENCES batches (id),
    bay_id TEXT NOT NULL,
    attempt INTEGER NOT NULL CHECK (attempt >= 1),
    serial_number TEXT NOT NULL,
    model TEXT NOT NULL,
    hardware_revision TEXT NOT NULL,
    firmware_version TEXT NOT NULL,
    port_path TEXT NOT NULL,
    usb_location TEXT,
    state TEXT NOT NULL CHECK (length(state) > 0),
    snapshot TEXT NOT NULL CHECK (json_valid(snapshot)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX device_runs_by_batch ON device_runs (batch_id, created_at);

  CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES device_runs (id),
    at INTEGER NOT NULL,
    type TEXT NOT NULL CHECK (length(type) > 0),
    payload TEXT NOT NULL CHECK (json_valid(payload)),
    state TEXT NOT NULL CHECK (length(state) > 0)
  ) STRICT;
  CREATE INDEX events_by_run ON events (run_id, seq);

  CREATE TABLE audit (
    run_id TEXT PRIMARY KEY NOT NULL REFERENCES device_runs (id),
    batch_id TEXT NOT NULL REFERENCES batches (id),
    batch_label TEXT NOT NULL,
    at INTEGER NOT NULL,
    operator_username TEXT NOT NULL,
    operator_sub TEXT NOT NULL,
    station_id TEXT NOT NULL,
    bay_id TEXT NOT NULL,
    serial_number TEXT NOT NULL,
    model TEXT NOT NULL,
    firmware_version TEXT NOT NULL,
    hardware_revision TEXT NOT NULL,
    template_name TEXT NOT NULL,
    parameters TEXT NOT NULL CHECK (json_valid(parameters)),
    mode TEXT CHECK (mode IS NULL OR mode IN ('csr', 'keys')),
    thing_name TEXT,
    certificate_id TEXT,
    fingerprint TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('provisioned', 'failed', 'cancelled', 'already-provisioned')),
    error_code TEXT,
    error_message TEXT,
    replaced_certificate_id TEXT,
    replaced_certificate_outcome TEXT
      CHECK (replaced_certificate_outcome IS NULL OR replaced_certificate_outcome IN ('retired', 'left-for-admin')),
    duration_ms INTEGER CHECK (duration_ms IS NULL OR duration_ms >= 0)
  ) STRICT;
  CREATE INDEX audit_by_at ON audit (at);
  CREATE INDEX audit_by_batch ON audit (batch_id, at);
  CREATE INDEX audit_by_serial ON audit (serial_number, outcome);
  `,
];

/** The newest schema version this code knows. */
export const journalSchemaVersion = migrations.length;

/**
 * Reads (never writes) the file's identity: refuses a SQLite file that is not a journal and a journal
 * written by a newer station, leaving either untouched. Returns the schema version found.
 */
export function checkJournalIdentity(db: DatabaseSync, file: string): number {
  const version = pragmaNumber(db, 'user_version');
  const applicationId = pragmaNumber(db, 'application_id');
  const tableCount = Number(
    db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get()?.n,
  );
  const foreign =
    (version > 0 && applicationId !== journalApplicationId) ||
    (version === 0 && (tableCount > 0 || (applicationId !== 0 && applicationId !== journalApplicationId)));
  if (foreign) {
    throw new StationError(
      `The file at ${file} is a SQLite database but not a station journal. It was left untouched; ` +
        'move it aside or configure another data folder.',
    );
  }
  if (version > journalSchemaVersion) {
    throw new StationError(
      `The journal at ${file} was written by a newer version of the station (schema ${version}; this version knows up to ${journalSchemaVersion}). ` +
        'Install the newer station version to continue, or move that file aside to start a new journal; it was left untouched.',
    );
  }
  return version;
}

/** Brings a journal at schema `version` up to journalSchemaVersion, one transaction per version. */
export function migrateJournal(db: DatabaseSync, file: string, version: number): void {
  for (let next = version + 1; next <= journalSchemaVersion; next += 1) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(migrations[next - 1] ?? '');
      db.exec(`PRAGMA application_id = ${journalApplicationId}`);
      db.exec(`PRAGMA user_version = ${next}`);
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw new StationError(
        `Could not update the journal at ${file} to schema ${next}: ${(error as Error).message}. It was left at schema ${next - 1}.`,
        { cause: error },
      );
    }
  }
}

function pragmaNumber(db: DatabaseSync, name: 'user_version' | 'application_id'): number {
  const row = db.prepare(`PRAGMA ${name}`).get();
  return Number(row?.[name] ?? 0);
}
