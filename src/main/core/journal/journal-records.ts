/** The records the journal stores. Times are milliseconds since the Unix epoch. */

export type BatchStatus = 'running' | 'paused' | 'finished' | 'cancelled';

export const batchStatuses: readonly BatchStatus[] = ['running', 'paused', 'finished', 'cancelled'];

/** A batch in one of these may not change status again. */
export const finalBatchStatuses: readonly BatchStatus[] = ['finished', 'cancelled'];

export interface BatchRecord {
  id: string;
  label: string;
  templateName: string;
  parameters: Record<string, string>;
  targetCount: number | null;
  bays: number;
  stationId: string;
  operatorUsername: string;
  operatorSub: string;
  status: BatchStatus;
  createdAt: number;
  finishedAt: number | null;
}

export interface DeviceRunRecord {
  id: string;
  batchId: string;
  bayId: string;
  attempt: number;
  serialNumber: string;
  model: string;
  hardwareRevision: string;
  firmwareVersion: string;
  portPath: string;
  usbLocation: string | null;
  /** The state machine's state name and its whole snapshot as JSON (no secrets ever). */
  state: string;
  snapshot: string;
  createdAt: number;
  updatedAt: number;
}

export interface JournalEvent {
  seq: number;
  runId: string;
  at: number;
  type: string;
  /** JSON. */
  payload: string;
  /** The state the run entered with this event (the `next.state` it was recorded with). */
  state: string;
}

export type AuditOutcome = 'provisioned' | 'failed' | 'cancelled' | 'already-provisioned';

export interface AuditRecord {
  runId: string;
  batchId: string;
  batchLabel: string;
  at: number;
  operatorUsername: string;
  operatorSub: string;
  stationId: string;
  bayId: string;
  serialNumber: string;
  model: string;
  firmwareVersion: string;
  hardwareRevision: string;
  templateName: string;
  parameters: Record<string, string>;
  mode: 'csr' | 'keys' | null;
  thingName: string | null;
  certificateId: string | null;
  fingerprint: string | null;
  outcome: AuditOutcome;
  errorCode: string | null;
  errorMessage: string | null;
  replacedCertificateId: string | null;
  replacedCertificateOutcome: 'retired' | 'left-for-admin' | null;
  durationMs: number | null;
}

/** Every AuditRecord key, in the order exports write them. */
export const auditRecordKeys = [
  'runId',
  'batchId',
  'batchLabel',
  'at',
  'operatorUsername',
  'operatorSub',
  'stationId',
  'bayId',
  'serialNumber',
  'model',
  'firmwareVersion',
  'hardwareRevision',
  'templateName',
  'parameters',
  'mode',
  'thingName',
  'certificateId',
  'fingerprint',
  'outcome',
  'errorCode',
  'errorMessage',
  'replacedCertificateId',
  'replacedCertificateOutcome',
  'durationMs',
] as const satisfies readonly (keyof AuditRecord)[];

// Fails to compile when AuditRecord gains a key the exports would not write.
type UnlistedAuditKey = Exclude<keyof AuditRecord, (typeof auditRecordKeys)[number]>;
const _everyAuditKeyListed: [UnlistedAuditKey] extends [never] ? true : false = true;
void _everyAuditKeyListed;
