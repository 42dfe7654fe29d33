import type { AuditRecord, BatchRecord, DeviceRunRecord } from '../../../src/main/core/journal/journal.js';

/** Plausible records for journal tests; every field can be overridden. */

export const t0 = Date.UTC(2026, 0, 1, 8, 0, 0);

export function aBatch(overrides: Partial<BatchRecord> = {}): BatchRecord {
  return {
    id: 'batch-1',
    label: 'Line 3, morning',
    templateName: 'SensorFleetTemplate',
    parameters: { Site: 'Lyon', Line: '3' },
    targetCount: 10,
    bays: 2,
    stationId: 'station-7',
    operatorUsername: 'ana.installer',
    operatorSub: '3f1c2a9e-1111-4a2b-9c3d-0123456789ab',
    status: 'running',
    createdAt: t0,
    finishedAt: null,
    ...overrides,
  };
}

export function aRun(overrides: Partial<DeviceRunRecord> = {}): DeviceRunRecord {
  return {
    id: 'run-1',
    batchId: 'batch-1',
    bayId: 'bay-1',
    attempt: 1,
    serialNumber: 'SN-000001',
    model: 'TH-20',
    hardwareRevision: 'B',
    firmwareVersion: '2.4.1',
    portPath: '/dev/ttyACM0',
    usbLocation: '1-1.2',
    state: 'detected',
    snapshot: JSON.stringify({ state: 'detected' }),
    createdAt: t0 + 1_000,
    updatedAt: t0 + 1_000,
    ...overrides,
  };
}

export function anAudit(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    runId: 'run-1',
    batchId: 'batch-1',
    batchLabel: 'Line 3, morning',
    at: t0 + 9_000,
    operatorUsername: 'ana.installer',
    operatorSub: '3f1c2a9e-1111-4a2b-9c3d-0123456789ab',
    stationId: 'station-7',
    bayId: 'bay-1',
    serialNumber: 'SN-000001',
    model: 'TH-20',
    firmwareVersion: '2.4.1',
    hardwareRevision: 'B',
    templateName: 'SensorFleetTemplate',
    parameters: { Site: 'Lyon', Line: '3', SerialNumber: 'SN-000001' },
    mode: 'csr',
    thingName: 'sensor-SN-000001',
    certificateId: 'c0ffee'.repeat(10) + 'abcd',
    fingerprint: 'ab'.repeat(32),
    outcome: 'provisioned',
    errorCode: null,
    errorMessage: null,
    replacedCertificateId: null,
    replacedCertificateOutcome: null,
    durationMs: 8_000,
    ...overrides,
  };
}
