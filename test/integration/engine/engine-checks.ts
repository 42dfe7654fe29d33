import { createHash, X509Certificate } from 'node:crypto';
import { expect } from 'vitest';
import type { RunningSandbox } from '../../../sandbox/orchestrator/start-sandbox.js';
import type { CertificateRecord, ThingRecord } from '../../../sandbox/iot/registry-model.js';
import { auditToCsv, auditToJson } from '../../../src/main/core/audit/audit-export.js';
import type { AuditRecord, Journal } from '../../../src/main/core/journal/journal.js';
import { slotPhases, type RunPhase, type RunState } from '../../../src/main/core/provisioning/run-state.js';
import { csvRecords } from '../../support/csv-records.js';
import { STATION_ID, type EngineRig } from './engine-fixture.js';

/**
 * The checks every engine scenario ends with: the journal, the audit exports (CSV and JSON) and the
 * sandbox registry tell the same story, and no serial number was provisioned twice.
 */

export interface RegistryFacts {
  /** Things that carry this serial number (by name or by the template's serialNumber attribute). */
  things: ThingRecord[];
  /** Certificates attached to the serial's Thing (when there is exactly one). */
  attached: CertificateRecord[];
}

export function registryFactsOf(sandbox: RunningSandbox, serialNumber: string): RegistryFacts {
  const { registry } = sandbox;
  const byAttribute = registry.listThings({ attributeName: 'serialNumber', attributeValue: serialNumber });
  const byName = registry.getThing(serialNumber);
  const things = [...byAttribute];
  if (byName && !things.some((thing) => thing.thingName === byName.thingName)) things.push(byName);
  const thing = things.length === 1 ? things[0] : undefined;
  const attached = thing
    ? registry
        .listThingPrincipals(thing.thingName)
        .map((arn) => registry.getCertificate(arn.slice(arn.lastIndexOf('/') + 1)))
        .filter((certificate): certificate is CertificateRecord => certificate !== undefined)
    : [];
  return { things, attached };
}

export interface ExpectedOutcome {
  /** Serial numbers that must end verified, each as one Thing with its device's certificate. */
  provisioned: readonly string[];
  /** Serial number → the failure code its run must end with (nothing of it in the registry). */
  failed?: Readonly<Record<string, string | RegExp>>;
  /**
   * Serial numbers whose Thing may hold more than one certificate, and have been registered more
   * than once (a device reset between RegisterThing and storing its identity).
   */
  resetMidProvisioning?: readonly string[];
}

/** Asserts journal, exports, engine view and registry agree for one batch; returns the audit rows. */
export function expectEverythingAgrees(
  rig: EngineRig,
  batchId: string,
  expected: ExpectedOutcome,
): AuditRecord[] {
  const { journal, engine } = rig.stack;
  const failed = expected.failed ?? {};
  const serials = [...expected.provisioned, ...Object.keys(failed)].sort();

  // Journal: one run per serial number, in the state expected.
  const runs = journal.runsOfBatch(batchId);
  expect(runs.map((run) => run.serialNumber).sort(), 'one journaled run per device').toEqual(serials);
  const states = new Map(runs.map((run) => [run.serialNumber, JSON.parse(run.snapshot) as RunState]));

  // Audit: one row per run, and the exports carry exactly those rows.
  const audit = journal.audit({ batchId });
  expect(audit.map((row) => row.serialNumber).sort(), 'one audit row per device').toEqual(serials);
  expect(new Set(audit.map((row) => row.runId)).size).toBe(audit.length);
  const csv = csvRecords(auditToCsv(audit));
  const json = JSON.parse(auditToJson(audit)) as { count: number; records: Record<string, unknown>[] };
  expect(json.count).toBe(audit.length);
  expect(csv.length).toBe(audit.length);
  for (const row of audit) {
    const fromJson = json.records.find((record) => record.runId === row.runId);
    const fromCsv = csv.find((record) => record.runId === row.runId);
    for (const key of [
      'serialNumber',
      'outcome',
      'thingName',
      'certificateId',
      'fingerprint',
      'errorCode',
      'operatorUsername',
      'operatorSub',
      'stationId',
      'batchId',
      'templateName',
      'mode',
    ] as const) {
      expect(fromJson?.[key], `JSON export ${key} of ${row.serialNumber}`).toEqual(row[key]);
      expect(fromCsv?.[key], `CSV export ${key} of ${row.serialNumber}`).toEqual(row[key] ?? '');
    }
    expect(row.operatorUsername).toBe(rig.operator.username);
    expect(row.operatorSub).toBe(rig.operator.sub);
    expect(row.stationId).toBe(STATION_ID);
  }

  // The engine's view says the same as the journal.
  const view = engine.view();
  for (const run of runs) {
    expect(
      view.runs.find((candidate) => candidate.runId === run.id)?.phase,
      `view of ${run.serialNumber}`,
    ).toBe(run.state);
  }

  for (const serial of expected.provisioned) {
    const row = audit.find((candidate) => candidate.serialNumber === serial) as AuditRecord;
    const state = states.get(serial) as RunState;
    expect(state.phase, `${serial} journaled as done`).toBe('done');
    expect(row.outcome, `${serial} audited as provisioned`).toBe('provisioned');
    expect(row.errorCode).toBeNull();
    expect(row.thingName).toBe(serial);
    expect(row.certificateId).toMatch(/^[0-9a-f]{64}$/);
    expect(row.fingerprint).toBe(row.certificateId);
    expect(state.result).toMatchObject({ thingName: row.thingName, certificateId: row.certificateId });

    const facts = registryFactsOf(rig.sandbox, serial);
    expect(facts.things.length, `${serial}: exactly one Thing`).toBe(1);
    const thing = facts.things[0] as ThingRecord;
    expect(thing.thingName).toBe(row.thingName);
    expect(thing.attributes).toMatchObject({
      batchId,
      stationId: STATION_ID,
      operator: rig.operator.username,
    });
    const reset = expected.resetMidProvisioning?.includes(serial) ?? false;
    const registrations = registerThingCount(rig, thing.thingName);
    if (reset) {
      expect(registrations).toBeGreaterThanOrEqual(1);
      expect(registrations).toBeLessThanOrEqual(2);
      expect(facts.attached.length).toBe(registrations);
    } else {
      expect(registrations, `${serial}: one RegisterThing`).toBe(1);
      expect(facts.attached.length, `${serial}: one certificate attached`).toBe(1);
    }
    const own = facts.attached.find((certificate) => certificate.certificateId === row.certificateId);
    expect(own, `${serial}: the audited certificate is attached`).toBeDefined();
    expect(own?.status).toBe('ACTIVE');
    expect(derFingerprint(own?.certificatePem ?? '')).toBe(row.fingerprint);
    expect(state.otherCertificateIds.sort()).toEqual(
      facts.attached
        .map((certificate) => certificate.certificateId)
        .filter((id) => id !== row.certificateId)
        .sort(),
    );
    // The device holds the identity the station recorded.
    expect(rig.device(serial).store.load()?.certificateId, `${serial}: device flash`).toBe(row.certificateId);
  }

  for (const [serial, code] of Object.entries(failed)) {
    const row = audit.find((candidate) => candidate.serialNumber === serial) as AuditRecord;
    const state = states.get(serial) as RunState;
    expect(state.phase, `${serial} journaled as failed`).toBe('failed');
    expect(row.outcome).toBe('failed');
    if (typeof code === 'string') expect(row.errorCode).toBe(code);
    else expect(row.errorCode).toMatch(code);
    expect(state.failure?.code).toBe(row.errorCode);
    expect(state.failure?.hint.length).toBeGreaterThan(10);
    expect(registryFactsOf(rig.sandbox, serial).things, `${serial}: nothing in the registry`).toEqual([]);
  }

  // No Thing of this batch that the station does not account for.
  const batchThings = rig.sandbox.registry.listThings({ attributeName: 'batchId', attributeValue: batchId });
  expect(batchThings.map((thing) => thing.thingName).sort()).toEqual([...expected.provisioned].sort());
  return audit;
}

/** Successful RegisterThing calls that wrote or used this Thing, from the sandbox broker's log. */
export function registerThingCount(rig: EngineRig, thingName: string): number {
  const pattern = new RegExp(`RegisterThing for \\S+: certificate [0-9a-f]{64} \\w+, thing ${thingName} at `);
  return rig.sandboxLog.filter((line) => pattern.test(line)).length;
}

export function derFingerprint(certificatePem: string): string {
  return createHash('sha256').update(new X509Certificate(certificatePem).raw).digest('hex');
}

/**
 * Replays every journaled transition of the batch in commit order (the journal's global sequence)
 * and returns the most runs that were ever in a slot phase at once.
 */
export function maxRunsInSlotPhases(journal: Journal, batchId: string): number {
  const events = journal
    .runsOfBatch(batchId)
    .flatMap((run) => journal.eventsOfRun(run.id))
    .sort((a, b) => a.seq - b.seq);
  const phaseOf = new Map<string, RunPhase>();
  let max = 0;
  for (const event of events) {
    phaseOf.set(event.runId, event.state as RunPhase);
    const inSlots = [...phaseOf.values()].filter((phase) => slotPhases.includes(phase)).length;
    max = Math.max(max, inSlots);
  }
  return max;
}
