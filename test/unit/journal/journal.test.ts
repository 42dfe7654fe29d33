import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../../../src/main/core/journal/journal.js';
import { SecretShapeError } from '../../../src/main/core/journal/secret-shape-check.js';
import { StationError } from '../../../src/main/core/station-error.js';
import { aBatch, anAudit, aRun, t0 } from './journal-fixtures.js';

const pem = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB...\n-----END EC PRIVATE KEY-----\n';
const finalStates = ['done', 'failed', 'cancelled'] as const;

let scratch: string;
let path: string;
let journal: Journal;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'journal-'));
  path = join(scratch, 'journal.sqlite');
  journal = Journal.open(path);
});
afterEach(() => {
  journal.close();
  rmSync(scratch, { recursive: true, force: true });
});

function transition(runId: string, at: number, state: string, payload: object = {}): number {
  return journal.recordTransition(
    runId,
    { at, type: `to-${state}`, payload: JSON.stringify(payload) },
    { state, snapshot: JSON.stringify({ state, at }) },
  );
}

describe('batches', () => {
  it('creates, reads and lists newest first with paging', () => {
    journal.createBatch(aBatch({ id: 'b1', status: 'finished', createdAt: t0, finishedAt: t0 + 5 }));
    journal.createBatch(aBatch({ id: 'b2', status: 'cancelled', createdAt: t0 + 10, finishedAt: t0 + 15 }));
    journal.createBatch(aBatch({ id: 'b3', createdAt: t0 + 20, targetCount: null, parameters: {} }));
    expect(journal.batch('b3')).toEqual(
      aBatch({ id: 'b3', createdAt: t0 + 20, targetCount: null, parameters: {} }),
    );
    expect(journal.batch('nope')).toBeUndefined();
    expect(journal.listBatches().map((batch) => batch.id)).toEqual(['b3', 'b2', 'b1']);
    expect(journal.listBatches({ limit: 2 }).map((batch) => batch.id)).toEqual(['b3', 'b2']);
    expect(journal.listBatches({ before: t0 + 10 }).map((batch) => batch.id)).toEqual(['b1']);
  });

  it('knows the one open batch and refuses a second', () => {
    expect(journal.openBatch()).toBeUndefined();
    journal.createBatch(aBatch({ id: 'b1' }));
    expect(journal.openBatch()?.id).toBe('b1');
    expect(() => journal.createBatch(aBatch({ id: 'b2', status: 'paused', label: 'Second' }))).toThrow(
      StationError,
    );
    expect(() => journal.createBatch(aBatch({ id: 'b2', status: 'paused' }))).toThrow(
      /Line 3, morning.*still open/,
    );
    journal.createBatch(aBatch({ id: 'b2', status: 'finished', finishedAt: t0 }));
    expect(() => journal.setBatchStatus('b2', 'running', t0)).toThrow(/already finished/);

    journal.setBatchStatus('b1', 'paused', t0 + 1);
    expect(journal.openBatch()).toMatchObject({ id: 'b1', status: 'paused', finishedAt: null });
    journal.setBatchStatus('b1', 'running', t0 + 2);
    journal.setBatchStatus('b1', 'finished', t0 + 3);
    expect(journal.batch('b1')).toMatchObject({ status: 'finished', finishedAt: t0 + 3 });
    expect(journal.openBatch()).toBeUndefined();
    journal.setBatchStatus('b1', 'finished', t0 + 99); // already so: no-op, finishedAt kept
    expect(journal.batch('b1')?.finishedAt).toBe(t0 + 3);

    journal.createBatch(aBatch({ id: 'b3', status: 'paused' }));
    expect(() => journal.setBatchStatus('missing', 'running', t0)).toThrow(/no batch missing/);
  });

  it('refuses a batch whose parameters hold a secret', () => {
    expect(() => journal.createBatch(aBatch({ parameters: { Note: pem } }))).toThrow(SecretShapeError);
    expect(journal.listBatches()).toEqual([]);
  });
});

describe('runs and transitions', () => {
  beforeEach(() => journal.createBatch(aBatch()));

  it('records each transition as an event and the run state, in order', () => {
    journal.createRun(aRun());
    const seqs = [
      transition('run-1', t0 + 2, 'handshake'),
      transition('run-1', t0 + 3, 'claim', { bytes: 1234 }),
    ];
    expect(seqs[1]).toBe((seqs[0] ?? 0) + 1);
    expect(journal.run('run-1')).toMatchObject({
      state: 'claim',
      snapshot: JSON.stringify({ state: 'claim', at: t0 + 3 }),
      createdAt: t0 + 1_000,
      updatedAt: t0 + 3,
    });
    expect(journal.eventsOfRun('run-1')).toEqual([
      { seq: seqs[0], runId: 'run-1', at: t0 + 2, type: 'to-handshake', payload: '{}', state: 'handshake' },
      {
        seq: seqs[1],
        runId: 'run-1',
        at: t0 + 3,
        type: 'to-claim',
        payload: '{"bytes":1234}',
        state: 'claim',
      },
    ]);
    expect(journal.run('run-2')).toBeUndefined();
    expect(journal.eventsOfRun('run-2')).toEqual([]);
  });

  it('lists the runs of a batch and those not in a final state', () => {
    journal.createRun(aRun({ id: 'r1', createdAt: t0 + 1 }));
    journal.createRun(aRun({ id: 'r2', createdAt: t0 + 2, bayId: 'bay-2', usbLocation: null }));
    journal.createRun(aRun({ id: 'r3', createdAt: t0 + 3 }));
    transition('r1', t0 + 10, 'done');
    transition('r2', t0 + 11, 'provisioning');
    transition('r3', t0 + 12, 'failed');
    expect(journal.runsOfBatch('batch-1').map((run) => run.id)).toEqual(['r1', 'r2', 'r3']);
    expect(journal.runsOfBatch('batch-1')[1]?.usbLocation).toBeNull();
    expect(journal.unfinishedRuns('batch-1', finalStates).map((run) => run.id)).toEqual(['r2']);
    expect(journal.unfinishedRuns('batch-1', []).map((run) => run.id)).toEqual(['r1', 'r2', 'r3']);
    expect(journal.unfinishedRuns('other', finalStates)).toEqual([]);
  });

  it('a transition that fails leaves nothing half-written', () => {
    journal.createRun(aRun());
    transition('run-1', t0 + 2, 'handshake');
    // Make the second statement of the transaction (the run update) fail after the event insert
    // succeeded, through a trigger added by another connection: both must be rolled back.
    const other = new DatabaseSync(path);
    other.exec(`CREATE TRIGGER fail_run_update BEFORE UPDATE ON device_runs WHEN NEW.state = 'boom'
      BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    expect(() => transition('run-1', t0 + 3, 'boom')).toThrow(/injected failure/);
    other.exec('DROP TRIGGER fail_run_update');
    other.close();
    // An event for a run that does not exist.
    expect(() => transition('ghost', t0 + 4, 'claim')).toThrow();
    expect(journal.eventsOfRun('run-1').map((event) => event.type)).toEqual(['to-handshake']);
    expect(journal.eventsOfRun('ghost')).toEqual([]);
    expect(journal.run('run-1')?.state).toBe('handshake');
    // The journal still works after a rollback, and sequence numbers stay increasing.
    const next = transition('run-1', t0 + 5, 'claim');
    expect(next).toBeGreaterThan(journal.eventsOfRun('run-1')[0]?.seq ?? Infinity);
  });

  it('refuses secret-shaped payloads and snapshots, writing nothing', () => {
    journal.createRun(aRun());
    const cases: [string, string][] = [
      [JSON.stringify({ claim: pem }), '{}'],
      ['{}', JSON.stringify({ device: { private_key: 'x' } })],
      [JSON.stringify({ idToken: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvcGVyYXRvciJ9.c2lnbmF0dXJl' }), '{}'],
      [JSON.stringify({ who: 'ASIA' + 'ABCDEFGHIJKLMNOP' }), '{}'],
      ['{}', JSON.stringify({ nested: [{ Password: 'hunter2' }] })],
      ['not json', '{}'],
    ];
    for (const [payload, snapshot] of cases) {
      expect(() =>
        journal.recordTransition('run-1', { at: t0 + 2, type: 'x', payload }, { state: 'claim', snapshot }),
      ).toThrow(SecretShapeError);
    }
    expect(journal.eventsOfRun('run-1')).toEqual([]);
    expect(journal.run('run-1')?.state).toBe('detected');

    expect(() =>
      journal.createRun(aRun({ id: 'run-2', snapshot: JSON.stringify({ claimPrivateKey: 'abc' }) })),
    ).toThrow(SecretShapeError);
    expect(() => journal.createRun(aRun({ id: 'run-3', model: pem }))).toThrow(SecretShapeError);
    expect(journal.runsOfBatch('batch-1').map((run) => run.id)).toEqual(['run-1']);
    journal.close();
    expect(readFileSync(path).includes('hunter2')).toBe(false);
  });
});

describe('audit', () => {
  beforeEach(() => {
    journal.createBatch(aBatch());
    journal.createBatch(
      aBatch({ id: 'batch-0', status: 'finished', createdAt: t0 - 100, finishedAt: t0 - 50 }),
    );
    journal.createRun(aRun({ id: 'r1', serialNumber: 'SN-AAA-001' }));
    journal.createRun(aRun({ id: 'r2', serialNumber: 'SN-BBB-002' }));
    journal.createRun(aRun({ id: 'r0', batchId: 'batch-0', serialNumber: 'SN-AAA-001' }));
  });

  it('keeps one row per run: writing again for the same run replaces it', () => {
    const failed = anAudit({
      runId: 'r1',
      serialNumber: 'SN-AAA-001',
      outcome: 'failed',
      thingName: null,
      certificateId: null,
      fingerprint: null,
      mode: null,
      errorCode: 'DEVICE_TIMEOUT',
      errorMessage: 'The device did not answer. Reseat the cable and press Retry.',
      durationMs: null,
    });
    journal.writeAudit(failed);
    expect(journal.audit()).toEqual([failed]);
    const retried = anAudit({ runId: 'r1', serialNumber: 'SN-AAA-001', at: t0 + 20_000, durationMs: 1234.6 });
    journal.writeAudit(retried);
    expect(journal.audit()).toEqual([{ ...retried, durationMs: 1235 }]);
  });

  it('searches serial numbers and thing names by substring, ignoring case, filtered by batch, newest first', () => {
    journal.writeAudit(
      anAudit({ runId: 'r1', serialNumber: 'SN-AAA-001', thingName: 'hall-sensor-1', at: t0 + 1 }),
    );
    journal.writeAudit(
      anAudit({ runId: 'r2', serialNumber: 'SN-BBB-002', thingName: null, outcome: 'failed', at: t0 + 2 }),
    );
    journal.writeAudit(
      anAudit({
        runId: 'r0',
        batchId: 'batch-0',
        serialNumber: 'SN-AAA-001',
        thingName: 'old-AAA',
        at: t0 - 60,
      }),
    );
    const ids = (filter: Parameters<Journal['audit']>[0]) =>
      journal.audit(filter).map((record) => record.runId);
    expect(ids({})).toEqual(['r2', 'r1', 'r0']);
    expect(ids({ search: 'aaa' })).toEqual(['r1', 'r0']);
    expect(ids({ search: 'HALL-SENSOR' })).toEqual(['r1']);
    expect(ids({ search: 'bbb' })).toEqual(['r2']);
    expect(ids({ search: '%' })).toEqual([]);
    expect(ids({ search: '' })).toEqual(['r2', 'r1', 'r0']);
    expect(ids({ batchId: 'batch-0' })).toEqual(['r0']);
    expect(ids({ batchId: 'batch-1', search: 'aaa' })).toEqual(['r1']);
    expect(ids({ limit: 1 })).toEqual(['r2']);
  });

  it('lists the provisioned runs of a serial number across batches', () => {
    journal.writeAudit(anAudit({ runId: 'r0', batchId: 'batch-0', serialNumber: 'SN-AAA-001', at: t0 - 60 }));
    journal.writeAudit(anAudit({ runId: 'r1', serialNumber: 'SN-AAA-001', outcome: 'failed' }));
    journal.writeAudit(anAudit({ runId: 'r2', serialNumber: 'SN-BBB-002', outcome: 'already-provisioned' }));
    expect(journal.provisionedRunsOfSerial('SN-AAA-001').map((record) => record.runId)).toEqual(['r0']);
    expect(journal.provisionedRunsOfSerial('SN-BBB-002')).toEqual([]);
    expect(journal.provisionedRunsOfSerial('sn-aaa-001')).toEqual([]);
  });

  it('refuses an audit record holding a secret, of an unknown run, or of another batch', () => {
    expect(() => journal.writeAudit(anAudit({ runId: 'r1', errorMessage: `device said ${pem}` }))).toThrow(
      SecretShapeError,
    );
    expect(() => journal.writeAudit(anAudit({ runId: 'r1', parameters: { Token: 'abc' } }))).toThrow(
      SecretShapeError,
    );
    expect(() => journal.writeAudit(anAudit({ runId: 'nope' }))).toThrow(/no run nope/);
    expect(() => journal.writeAudit(anAudit({ runId: 'r0' }))).toThrow(/belongs to batch batch-0/);
    expect(journal.audit()).toEqual([]);
  });

  it('refuses values outside the record types', () => {
    const bad = { ...anAudit({ runId: 'r1' }), outcome: 'maybe' } as unknown as Parameters<
      Journal['writeAudit']
    >[0];
    expect(() => journal.writeAudit(bad)).toThrow(/CHECK constraint/);
    expect(journal.audit()).toEqual([]);
  });
});
