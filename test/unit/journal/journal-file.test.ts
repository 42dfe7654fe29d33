import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../../../src/main/core/journal/journal.js';
import { journalApplicationId } from '../../../src/main/core/journal/journal-migrations.js';
import { StationError } from '../../../src/main/core/station-error.js';
import { aBatch, anAudit, aRun, t0 } from './journal-fixtures.js';

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'journal-file-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

function rawPragma(path: string, name: string): unknown {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const row = db.prepare(`PRAGMA ${name}`).get();
    return row ? Object.values(row)[0] : undefined;
  } finally {
    db.close();
  }
}

describe('Journal.open', () => {
  it('creates folders 0700 and a file 0600 (WAL and shared-memory files too), migrated from empty', () => {
    const path = join(scratch, 'data', 'deep', 'journal.sqlite');
    const journal = Journal.open(path);
    try {
      expect(mode(join(scratch, 'data'))).toBe(0o700);
      expect(mode(join(scratch, 'data', 'deep'))).toBe(0o700);
      journal.createBatch(aBatch());
      expect(mode(path)).toBe(0o600);
      expect(mode(`${path}-wal`)).toBe(0o600);
      expect(mode(`${path}-shm`)).toBe(0o600);
      expect(rawPragma(path, 'user_version')).toBe(Journal.schemaVersion);
      expect(rawPragma(path, 'application_id')).toBe(journalApplicationId);
      const db = new DatabaseSync(path, { readOnly: true });
      const tables = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .all()
        .map((row) => row.name);
      db.close();
      expect(tables).toEqual(['audit', 'batches', 'device_runs', 'events']);
    } finally {
      journal.close();
    }
  });

  it('tightens a journal file left with a wider mode', () => {
    const path = join(scratch, 'journal.sqlite');
    Journal.open(path).close();
    chmodSync(path, 0o644);
    Journal.open(path).close();
    expect(mode(path)).toBe(0o600);
  });

  it('runs in WAL mode with fsync on every commit, foreign keys and a busy timeout', () => {
    const path = join(scratch, 'journal.sqlite');
    const journal = Journal.open(path);
    try {
      expect(journal.settings()).toEqual({
        journalMode: 'wal',
        synchronous: 'full',
        foreignKeys: true,
        busyTimeoutMs: 2000,
      });
      journal.createBatch(aBatch());
      expect(existsSync(`${path}-wal`)).toBe(true);
      expect(rawPragma(path, 'journal_mode')).toBe('wal');
      // Foreign keys are enforced: a run of an unknown batch is refused.
      expect(() => journal.createRun(aRun({ batchId: 'no-such-batch' }))).toThrow(/FOREIGN KEY/);
    } finally {
      journal.close();
    }
  });

  it('reopening keeps everything and does not migrate again', () => {
    const path = join(scratch, 'journal.sqlite');
    const first = Journal.open(path);
    first.createBatch(aBatch());
    first.createRun(aRun());
    first.recordTransition(
      'run-1',
      { at: t0 + 2_000, type: 'hello', payload: '{"serial":"SN-000001"}' },
      { state: 'handshake', snapshot: '{"state":"handshake"}' },
    );
    first.writeAudit(anAudit());
    first.close();
    first.close(); // twice is harmless

    const second = Journal.open(path);
    try {
      expect(second.batch('batch-1')).toEqual(aBatch());
      expect(second.run('run-1')).toMatchObject({ state: 'handshake', updatedAt: t0 + 2_000 });
      expect(second.eventsOfRun('run-1')).toEqual([
        {
          seq: 1,
          runId: 'run-1',
          at: t0 + 2_000,
          type: 'hello',
          payload: '{"serial":"SN-000001"}',
          state: 'handshake',
        },
      ]);
      expect(second.audit()).toEqual([anAudit()]);
      expect(rawPragma(path, 'user_version')).toBe(Journal.schemaVersion);
    } finally {
      second.close();
    }
  });

  it('refuses a journal from a newer station with a clear StationError and leaves it untouched', () => {
    const path = join(scratch, 'journal.sqlite');
    Journal.open(path).close();
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA user_version = ${Journal.schemaVersion + 1}`);
    db.close();
    const before = readFileSync(path);

    let caught: unknown;
    try {
      Journal.open(path);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StationError);
    expect((caught as Error).message).toMatch(/newer version of the station/);
    expect((caught as Error).message).toContain(`schema ${Journal.schemaVersion + 1}`);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(rawPragma(path, 'user_version')).toBe(Journal.schemaVersion + 1);
  });

  it('reports a file that is not a database as damaged and never replaces it', () => {
    const path = join(scratch, 'journal.sqlite');
    const garbage = Buffer.from('this is not a SQLite file, but somebody’s data. '.repeat(200));
    writeFileSync(path, garbage, { mode: 0o600 });
    expect(() => Journal.open(path)).toThrow(StationError);
    expect(() => Journal.open(path)).toThrow(/is damaged .*did not change it/);
    expect(readFileSync(path).equals(garbage)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('reports a journal with a damaged page at open, before any write', () => {
    const path = join(scratch, 'journal.sqlite');
    const journal = Journal.open(path);
    journal.createBatch(aBatch());
    for (let index = 0; index < 200; index += 1) {
      journal.createRun(aRun({ id: `run-${index}`, snapshot: JSON.stringify({ filler: 'x'.repeat(200) }) }));
    }
    journal.close(); // checkpoints the WAL into the main file
    const bytes = readFileSync(path);
    const pageSize = bytes.readUInt16BE(16);
    bytes.fill(0xa5, pageSize * 3, pageSize * 5);
    writeFileSync(path, bytes);

    expect(() => Journal.open(path)).toThrow(StationError);
    expect(() => Journal.open(path)).toThrow(/is damaged/);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('refuses a SQLite file that is not a journal, leaving it untouched', () => {
    const path = join(scratch, 'other.sqlite');
    const db = new DatabaseSync(path);
    db.exec('CREATE TABLE notes (text TEXT)');
    db.close();
    const before = readFileSync(path);
    expect(() => Journal.open(path)).toThrow(/not a station journal/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(rawPragma(path, 'journal_mode')).toBe('delete');
  });

  it('turns a folder it cannot create into a StationError', () => {
    const blocker = join(scratch, 'file');
    writeFileSync(blocker, '');
    expect(() => Journal.open(join(blocker, 'journal.sqlite'))).toThrow(StationError);
  });
});
