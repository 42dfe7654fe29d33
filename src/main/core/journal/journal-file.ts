import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { StationError } from '../station-error.js';
import { checkJournalIdentity, migrateJournal } from './journal-migrations.js';

export interface JournalOpenOptions {
  /**
   * Run SQLite's quick_check before use, so a damaged journal is reported at start-up rather than
   * mid-batch. It reads the whole file once; default true.
   */
  integrityCheck?: boolean;
  /** How long a write waits for another connection's lock before failing; default 2000 ms. */
  busyTimeoutMs?: number;
}

// SQLite primary result codes (https://sqlite.org/rescode.html) that mean the file itself is bad.
const sqliteCorrupt = 11;
const sqliteNotADatabase = 26;
const sqliteBusy = 5;

/**
 * Opens (creating where absent) the journal file: folders 0700, file 0600, WAL with fsync on every
 * commit (synchronous=FULL, so a power loss keeps every committed transition), foreign keys on, a
 * busy timeout, migrations applied. Nothing is ever deleted or replaced: a damaged, foreign or
 * too-new file is reported with a StationError and left exactly as it was.
 */
export function openJournalDatabase(file: string, options: JournalOpenOptions = {}): DatabaseSync {
  const path = resolve(file);
  let db: DatabaseSync;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    restrictToOwner(path);
    db = new DatabaseSync(path, {
      timeout: options.busyTimeoutMs ?? 2000,
      enableForeignKeyConstraints: true,
      enableDoubleQuotedStringLiterals: false,
    });
  } catch (error) {
    throw asStationError(error, path);
  }
  try {
    // Reads only, until the file is known to be a journal this code may write.
    const version = checkJournalIdentity(db, path);
    if (version > 0 && options.integrityCheck !== false) quickCheck(db, path);
    const journalMode = db.prepare('PRAGMA journal_mode = WAL').get()?.journal_mode;
    if (journalMode !== 'wal') {
      throw new StationError(
        `The journal at ${path} could not be switched to write-ahead logging (SQLite kept "${String(journalMode)}"). ` +
          'Move the data folder to a local disk and restart the station.',
      );
    }
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA trusted_schema = OFF');
    migrateJournal(db, path, version);
    return db;
  } catch (error) {
    db.close();
    throw asStationError(error, path);
  }
}

/** Creates the file 0600 before SQLite does, and tightens it (and any WAL left by a crash) if wider. */
function restrictToOwner(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  for (const candidate of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(candidate)) chmodSync(candidate, 0o600);
  }
}

function quickCheck(db: DatabaseSync, path: string): void {
  const rows = db.prepare('PRAGMA quick_check(5)').all();
  const problems = rows.map((row) => String(row.quick_check)).filter((line) => line !== 'ok');
  if (problems.length > 0) throw damaged(path, problems.join('; '));
}

function damaged(path: string, detail: string, cause?: unknown): StationError {
  return new StationError(
    `The journal at ${path} is damaged (SQLite: ${detail}). The station did not change it. ` +
      'Copy it somewhere safe for your records, move it out of the data folder, and restart to begin a new journal.',
    { cause },
  );
}

function asStationError(error: unknown, path: string): StationError {
  if (error instanceof StationError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = sqliteCode(error) & 0xff;
  if (code === sqliteCorrupt || code === sqliteNotADatabase) return damaged(path, message, error);
  if (code === sqliteBusy) {
    return new StationError(
      `The journal at ${path} is in use by another program (SQLite: ${message}). Close any other station window and retry.`,
      { cause: error },
    );
  }
  return new StationError(
    `Could not open the journal at ${path} (${message}). Check the data folder and retry.`,
    {
      cause: error,
    },
  );
}

function sqliteCode(error: unknown): number {
  if (
    error !== null &&
    typeof error === 'object' &&
    'errcode' in error &&
    typeof error.errcode === 'number'
  ) {
    return error.errcode;
  }
  return 0;
}
