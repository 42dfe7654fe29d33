import type { DatabaseSync, SQLInputValue, SQLOutputValue, StatementSync } from 'node:sqlite';
import { StationError } from '../station-error.js';
import { openJournalDatabase, type JournalOpenOptions } from './journal-file.js';
import { journalSchemaVersion } from './journal-migrations.js';
import {
  auditRecordKeys,
  finalBatchStatuses,
  type AuditRecord,
  type BatchRecord,
  type BatchStatus,
  type DeviceRunRecord,
  type JournalEvent,
} from './journal-records.js';
import { auditFromRow, batchFromRow, eventFromRow, runFromRow, stringMapToJson } from './journal-rows.js';
import { assertJsonHasNoSecretShapes, assertNoSecretShapes } from './secret-shape-check.js';

export type {
  AuditOutcome,
  AuditRecord,
  BatchRecord,
  BatchStatus,
  DeviceRunRecord,
  JournalEvent,
} from './journal-records.js';
export type { JournalOpenOptions } from './journal-file.js';

type Params = Record<string, SQLInputValue>;

/** An audit field's column (and bound parameter) name: `serialNumber` → `serial_number`. */
function auditColumn(key: (typeof auditRecordKeys)[number]): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** Audit columns in the order of auditRecordKeys. */
const auditColumns = auditRecordKeys.map(auditColumn);

/**
 * The station's journal: batches, device runs with their state-machine snapshots, every transition
 * as an event, and one audit row per run, in one SQLite file. It is the truth the station restarts
 * from: a transition is committed (and fsynced) here before its effects run. Every write is one
 * small synchronous transaction on prepared statements (about 0.1 ms on this machine's disk, see
 * test/unit/journal/journal-timing.test.ts). Nothing secret-shaped is ever accepted.
 */
export class Journal {
  private readonly begin: StatementSync;
  private readonly commit: StatementSync;
  private readonly rollback: StatementSync;
  private readonly insertBatch: StatementSync;
  private readonly updateBatchStatus: StatementSync;
  private readonly selectBatch: StatementSync;
  private readonly selectOpenBatch: StatementSync;
  private readonly selectBatches: StatementSync;
  private readonly insertRun: StatementSync;
  private readonly updateRunState: StatementSync;
  private readonly selectRun: StatementSync;
  private readonly selectRunsOfBatch: StatementSync;
  private readonly selectUnfinishedRuns: StatementSync;
  private readonly insertEvent: StatementSync;
  private readonly selectEventsOfRun: StatementSync;
  private readonly upsertAudit: StatementSync;
  private readonly selectAudit: StatementSync;
  private readonly selectProvisionedOfSerial: StatementSync;

  /** Opens or creates the journal at `path`; see openJournalDatabase for what is checked. */
  static open(path: string, options?: JournalOpenOptions): Journal {
    return new Journal(openJournalDatabase(path, options));
  }

  /** The schema version this code writes. */
  static readonly schemaVersion = journalSchemaVersion;

  private constructor(private readonly db: DatabaseSync) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.insertBatch = db.prepare(`
      INSERT INTO batches (id, label, template_name, parameters, target_count, bays, station_id,
        operator_username, operator_sub, status, created_at, finished_at)
      VALUES (:id, :label, :templateName, :parameters, :targetCount, :bays, :stationId,
        :operatorUsername, :operatorSub, :status, :createdAt, :finishedAt)`);
    this.updateBatchStatus = db.prepare(
      'UPDATE batches SET status = :status, finished_at = :finishedAt WHERE id = :id',
    );
    this.selectBatch = db.prepare('SELECT * FROM batches WHERE id = ?');
    this.selectOpenBatch = db.prepare("SELECT * FROM batches WHERE status IN ('running', 'paused')");
    this.selectBatches = db.prepare(`
      SELECT * FROM batches WHERE (:before IS NULL OR created_at < :before)
      ORDER BY created_at DESC, rowid DESC LIMIT :limit`);
    this.insertRun = db.prepare(`
      INSERT INTO device_runs (id, batch_id, bay_id, attempt, serial_number, model, hardware_revision,
        firmware_version, port_path, usb_location, state, snapshot, created_at, updated_at)
      VALUES (:id, :batchId, :bayId, :attempt, :serialNumber, :model, :hardwareRevision,
        :firmwareVersion, :portPath, :usbLocation, :state, :snapshot, :createdAt, :updatedAt)`);
    this.updateRunState = db.prepare(
      'UPDATE device_runs SET state = :state, snapshot = :snapshot, updated_at = :at WHERE id = :id',
    );
    this.selectRun = db.prepare('SELECT * FROM device_runs WHERE id = ?');
    this.selectRunsOfBatch = db.prepare(
      'SELECT * FROM device_runs WHERE batch_id = ? ORDER BY created_at, rowid',
    );
    this.selectUnfinishedRuns = db.prepare(`
      SELECT * FROM device_runs
      WHERE batch_id = :batchId AND state NOT IN (SELECT value FROM json_each(:finalStates))
      ORDER BY created_at, rowid`);
    this.insertEvent = db.prepare(
      'INSERT INTO events (run_id, at, type, payload, state) VALUES (:runId, :at, :type, :payload, :state)',
    );
    this.selectEventsOfRun = db.prepare('SELECT * FROM events WHERE run_id = ? ORDER BY seq');
    this.upsertAudit = db.prepare(`
      INSERT INTO audit (${auditColumns.join(', ')})
      VALUES (${auditColumns.map((column) => `:${column}`).join(', ')})
      ON CONFLICT (run_id) DO UPDATE SET
        ${auditColumns
          .filter((column) => column !== 'run_id')
          .map((column) => `${column} = excluded.${column}`)
          .join(', ')}`);
    this.selectAudit = db.prepare(`
      SELECT * FROM audit
      WHERE (:batchId IS NULL OR batch_id = :batchId)
        AND (:search IS NULL
          OR instr(lower(serial_number), :search) > 0
          OR instr(lower(coalesce(thing_name, '')), :search) > 0)
      ORDER BY at DESC, run_id LIMIT :limit`);
    this.selectProvisionedOfSerial = db.prepare(
      "SELECT * FROM audit WHERE serial_number = ? AND outcome = 'provisioned' ORDER BY at, run_id",
    );
  }

  createBatch(batch: BatchRecord): void {
    assertNoSecretShapes(batch, 'batch');
    try {
      this.insertBatch.run({
        id: batch.id,
        label: batch.label,
        templateName: batch.templateName,
        parameters: stringMapToJson(batch.parameters),
        targetCount: batch.targetCount,
        bays: batch.bays,
        stationId: batch.stationId,
        operatorUsername: batch.operatorUsername,
        operatorSub: batch.operatorSub,
        status: batch.status,
        createdAt: batch.createdAt,
        finishedAt: batch.finishedAt,
      } satisfies Params);
    } catch (error) {
      throw this.explainOpenBatchConflict(error, batch.id);
    }
  }

  /**
   * Moves a batch between running and paused, or ends it (finished, cancelled; `at` becomes its
   * finishedAt). An ended batch never changes again; setting the status it already has is a no-op.
   */
  setBatchStatus(id: string, status: BatchStatus, at: number): void {
    const current = this.batch(id);
    if (!current) throw new Error(`journal: no batch ${id}`);
    if (current.status === status) return;
    if (finalBatchStatuses.includes(current.status)) {
      throw new StationError(
        `Batch "${current.label}" is already ${current.status} and cannot be set to ${status}. Start a new batch instead.`,
      );
    }
    const finishedAt = finalBatchStatuses.includes(status) ? at : null;
    try {
      this.updateBatchStatus.run({ id, status, finishedAt });
    } catch (error) {
      throw this.explainOpenBatchConflict(error, id);
    }
  }

  batch(id: string): BatchRecord | undefined {
    const row = this.selectBatch.get(id);
    return row ? batchFromRow(row) : undefined;
  }

  /** The batch the station must restart into after a crash: running or paused. At most one. */
  openBatch(): BatchRecord | undefined {
    const row = this.selectOpenBatch.get();
    return row ? batchFromRow(row) : undefined;
  }

  /** Newest first; `before` is an exclusive createdAt bound for paging; default limit 100. */
  listBatches(options: { limit?: number; before?: number } = {}): BatchRecord[] {
    return this.selectBatches
      .all({ before: options.before ?? null, limit: options.limit ?? 100 })
      .map(batchFromRow);
  }

  createRun(run: DeviceRunRecord): void {
    assertNoSecretShapes({ ...run, snapshot: null }, 'run');
    assertJsonHasNoSecretShapes(run.snapshot, 'run.snapshot');
    this.insertRun.run({
      id: run.id,
      batchId: run.batchId,
      bayId: run.bayId,
      attempt: run.attempt,
      serialNumber: run.serialNumber,
      model: run.model,
      hardwareRevision: run.hardwareRevision,
      firmwareVersion: run.firmwareVersion,
      portPath: run.portPath,
      usbLocation: run.usbLocation,
      state: run.state,
      snapshot: run.snapshot,
      createdAt: run.createdAt,
      updatedAt: run.updatedAt,
    } satisfies Params);
  }

  /**
   * ONE transaction: appends the event and sets the run's state and snapshot. Called before the
   * event's effects run; when it returns, the transition survives a crash or power loss. Returns
   * the event's sequence number (increasing across the whole journal).
   */
  recordTransition(
    runId: string,
    event: { at: number; type: string; payload: string },
    next: { state: string; snapshot: string },
  ): number {
    assertNoSecretShapes({ type: event.type, state: next.state }, 'transition');
    assertJsonHasNoSecretShapes(event.payload, 'event.payload');
    assertJsonHasNoSecretShapes(next.snapshot, 'run.snapshot');
    return this.inTransaction(() => {
      const inserted = this.insertEvent.run({
        runId,
        at: event.at,
        type: event.type,
        payload: event.payload,
        state: next.state,
      });
      const updated = this.updateRunState.run({
        id: runId,
        at: event.at,
        state: next.state,
        snapshot: next.snapshot,
      });
      if (updated.changes !== 1) throw new Error(`journal: no run ${runId}`);
      return Number(inserted.lastInsertRowid);
    });
  }

  run(id: string): DeviceRunRecord | undefined {
    const row = this.selectRun.get(id);
    return row ? runFromRow(row) : undefined;
  }

  runsOfBatch(batchId: string): DeviceRunRecord[] {
    return this.selectRunsOfBatch.all(batchId).map(runFromRow);
  }

  /** Runs not in a final state (for crash recovery). `finalStates` given by the caller. */
  unfinishedRuns(batchId: string, finalStates: readonly string[]): DeviceRunRecord[] {
    return this.selectUnfinishedRuns
      .all({ batchId, finalStates: JSON.stringify(finalStates) })
      .map(runFromRow);
  }

  eventsOfRun(runId: string): JournalEvent[] {
    return this.selectEventsOfRun.all(runId).map(eventFromRow);
  }

  /**
   * One row per run: writing again for the same runId (a retry of that run) replaces it. The run
   * must exist and belong to the record's batch. durationMs is stored in whole milliseconds.
   */
  writeAudit(record: AuditRecord): void {
    assertNoSecretShapes(record, 'audit');
    const run = this.run(record.runId);
    if (!run) throw new Error(`journal: no run ${record.runId} for its audit record`);
    if (run.batchId !== record.batchId) {
      throw new Error(`journal: run ${record.runId} belongs to batch ${run.batchId}, not ${record.batchId}`);
    }
    const params: Params = {};
    for (const key of auditRecordKeys) {
      const value = record[key];
      params[auditColumn(key)] =
        key === 'parameters'
          ? stringMapToJson(record.parameters)
          : key === 'durationMs' && typeof value === 'number'
            ? Math.round(value)
            : (value as SQLInputValue);
    }
    this.upsertAudit.run(params);
  }

  /**
   * Newest first. `search` matches a substring of the serial number or thing name, ignoring ASCII
   * case. Without a limit every matching row is returned.
   */
  audit(filter: { batchId?: string; search?: string; limit?: number } = {}): AuditRecord[] {
    const search = filter.search ? filter.search.toLowerCase() : null;
    return this.selectAudit
      .all({ batchId: filter.batchId ?? null, search, limit: filter.limit ?? -1 })
      .map(auditFromRow);
  }

  /** Audit records with outcome provisioned for this serial number, in any batch, oldest first. */
  provisionedRunsOfSerial(serialNumber: string): AuditRecord[] {
    return this.selectProvisionedOfSerial.all(serialNumber).map(auditFromRow);
  }

  /** The connection's durability settings, for diagnostics and tests. */
  settings(): {
    journalMode: string;
    synchronous: 'off' | 'normal' | 'full' | 'extra';
    foreignKeys: boolean;
    busyTimeoutMs: number;
  } {
    const read = (name: string): SQLOutputValue | undefined => {
      const row = this.db.prepare(`PRAGMA ${name}`).get();
      return row ? Object.values(row)[0] : undefined;
    };
    const synchronous = (['off', 'normal', 'full', 'extra'] as const)[Number(read('synchronous'))] ?? 'off';
    return {
      journalMode: String(read('journal_mode')),
      synchronous,
      foreignKeys: Number(read('foreign_keys')) === 1,
      busyTimeoutMs: Number(read('busy_timeout')),
    };
  }

  /** Closes the file (SQLite checkpoints the WAL into it). Safe to call twice. */
  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private inTransaction<T>(work: () => T): T {
    this.begin.run();
    try {
      const result = work();
      this.commit.run();
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.rollback.run();
      throw error;
    }
  }

  private explainOpenBatchConflict(error: unknown, id: string): unknown {
    if (!(error instanceof Error) || !error.message.includes('batches_one_open')) return error;
    const open = this.openBatch();
    return new StationError(
      `Batch ${id} cannot run while batch "${open?.label ?? 'unknown'}" is still open. Finish or cancel that batch first.`,
      { cause: error },
    );
  }
}
