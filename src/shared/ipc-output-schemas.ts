import { z } from 'zod';
import type { EventChannel, EventPayloads, InvokeChannel, InvokeResponses } from './ipc-contract.js';
import { runPhaseNames } from './view-models.js';

/**
 * The allow-list on the way out of main: every response and event payload must parse against a
 * strict schema here before it is sent (src/main/core/ipc/register-handlers.ts). Objects are
 * `z.strictObject`, so a key the view model does not declare is refused, not dropped; strings are
 * bounded and printable. The building blocks below are what new view models are written from.
 */

/**
 * The longest unbroken run of base64/base64url/hex characters any outgoing text may hold. Key,
 * certificate and token material is long and unbroken; the identifiers AWS issues are not (certificate
 * ids and fingerprints are 64 hex digits, a Cognito sub 36, ARNs have colons). The IPC secret guard
 * and the log redactor use the same limit, so no field is exempt from it.
 */
export const opaqueRunLimit = 120;
/** Thing names (AWS allows 128), certificate ids, serial numbers, batch ids: at most this long. */
export const identifierMaxLength = 128;

const opaqueRun = new RegExp(`[A-Za-z0-9+/_-]{${opaqueRunLimit + 1},}`);
/** C0/C1 controls, DEL, line/paragraph separators and bidi overrides (they reorder what is shown). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const controlsExceptLineBreaks =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** True when the text holds an unbroken base64/hex run longer than `opaqueRunLimit`. */
export function hasOpaqueRun(text: string): boolean {
  return opaqueRun.test(text);
}

const opaqueMessage = `Long opaque strings (over ${opaqueRunLimit} base64/hex characters) are not sent to the renderer.`;

const controlMessage = 'Text sent to the renderer cannot hold control characters.';

/** One pass over the text for the common case (nothing wrong), a second only to say what is wrong. */
function textProblem(value: string, controls: RegExp): string | undefined {
  if (controls.test(value)) return controlMessage;
  return value.length > opaqueRunLimit && hasOpaqueRun(value) ? opaqueMessage : undefined;
}

/** One line of text an operator reads: at most `max` characters, no control characters, no opaque runs. */
export function viewText(max: number) {
  return z
    .string()
    .max(max)
    .superRefine((value, context) => {
      const problem = textProblem(value, controlCharacters);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    });
}

/** Like viewText, but line breaks (\n, \r) and tabs are allowed: an AWS error in full, an export file. */
export function multilineText(max: number) {
  return z
    .string()
    .max(max)
    .superRefine((value, context) => {
      const problem = textProblem(value, controlsExceptLineBreaks);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    });
}

/**
 * A declared identifier (thing name, certificate id, serial number, batch id, Cognito sub):
 * 1–128 printable ASCII characters without spaces (and, like all text, no unbroken base64/hex run over
 * `opaqueRunLimit`). Usernames that may hold other letters use viewText.
 */
export const idText = z
  .string()
  .min(1)
  .max(identifierMaxLength)
  .regex(/^[\x21-\x7e]+$/, 'An identifier is printable ASCII without spaces.')
  .refine((value) => !hasOpaqueRun(value), opaqueMessage);

/** A SHA-256 fingerprint (or AWS certificate id): 64 lowercase hex digits. */
export const fingerprintHex = z.string().regex(/^[0-9a-f]{64}$/, 'A fingerprint is 64 lowercase hex digits.');

/** Milliseconds since the Unix epoch, within what a Date can hold. */
export const epochMs = z.number().int().min(0).max(8.64e15);

/** A count of things (devices, attempts, bays). */
export const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A serial port path or a configured path/glob as the operator typed it. */
export const devicePath = viewText(512).min(1);

/** A bounded list; every list that leaves main says how long it may be. */
export function viewList<T extends z.ZodType>(item: T, max: number) {
  return z.array(item).max(max);
}

/** A bounded string-keyed map (template parameters). */
export function viewRecord<K extends z.ZodType<string>, V extends z.ZodType>(
  key: K,
  value: V,
  maxEntries: number,
) {
  return z
    .record(key, value)
    .refine((record) => Object.keys(record).length <= maxEntries, `At most ${maxEntries} entries.`);
}

/**
 * The only fields that deliberately carry a secret to the renderer, by channel and path: the TOTP
 * set-up key, shown once for the operator's authenticator app (issue #8). The secret guard skips
 * exactly these paths; their schemas below bound what they may hold. Keep this list short.
 */
const totpSetupPaths = ['$.totpSetup.secret', '$.totpSetup.otpauthUri'] as const;
export const deliberateSecretPaths: Partial<Record<InvokeChannel | EventChannel, readonly string[]>> = {
  'session.get': totpSetupPaths,
  'session.signIn': totpSetupPaths,
  'session.answer': totpSetupPaths,
  'session.signOut': totpSetupPaths,
  'session.changed': totpSetupPaths,
};

// ---- the view models ----------------------------------------------------------------------------

const usbId = z.string().regex(/^[0-9a-f]{4}$/);
const nameText = viewText(200);
const usernameText = viewText(128);
const messageText = viewText(2000);

const stationProfileView = z.strictObject({
  name: nameText,
  kind: z.enum(['sandbox', 'aws']),
  region: viewText(64),
});

const appInfo = z.strictObject({
  name: nameText,
  version: viewText(64),
  platform: viewText(32),
  arch: viewText(32),
  runtime: z.strictObject({
    electron: viewText(64).nullable(),
    chrome: viewText(64).nullable(),
    node: viewText(64),
  }),
  profile: stationProfileView,
});

const serialDeviceView = z.strictObject({
  path: devicePath,
  source: z.enum(['system', 'configured']),
  vendorId: usbId.nullable(),
  productId: usbId.nullable(),
  serialNumber: viewText(256).nullable(),
  manufacturer: viewText(256).nullable(),
  location: viewText(256).nullable(),
});

const serialDeviceList = z.strictObject({
  devices: viewList(serialDeviceView, 1024),
  configuredPatterns: viewList(devicePath, 64),
  fixedPatterns: viewList(devicePath, 64),
  watchMode: z.enum(['hotplug', 'polling']),
});

const serialDeviceChange = z.strictObject({
  added: viewList(serialDeviceView, 1024),
  removed: viewList(devicePath, 1024),
  list: serialDeviceList,
});

const profileView = z.strictObject({
  configured: z.boolean(),
  name: nameText,
  kind: z.enum(['sandbox', 'aws']),
  region: viewText(64),
  templateName: idText.nullable(),
  userPoolId: idText.nullable(),
  dataEndpoint: viewText(300).nullable(),
  source: z.enum(['command-line', 'imported', 'embedded', 'none']),
  sandboxAvailable: z.boolean(),
});

const sessionView = z.strictObject({
  status: z.enum(['signed-out', 'challenge', 'signed-in']),
  username: usernameText.nullable(),
  groups: viewList(usernameText, 100),
  mayProvision: z.boolean(),
  reauthenticateBy: epochMs.nullable(),
  step: z.enum(['new-password', 'totp-setup', 'totp-code']).nullable(),
  totpSetup: z
    .strictObject({
      /** Base32, as Cognito's AssociateSoftwareToken returns it. */
      secret: z.string().regex(/^[A-Z2-7]{16,128}=*$/, 'A TOTP key is base32.'),
      otpauthUri: viewText(1024).regex(/^otpauth:\/\/totp\//, 'An otpauth:// URI.'),
    })
    .optional(),
  remembered: z.boolean(),
  notice: messageText.nullable(),
});

const templateSummaryView = z.strictObject({
  name: idText,
  description: multilineText(1000).nullable(),
  enabled: z.boolean(),
});

const templateDetailView = z.strictObject({
  name: idText,
  enabled: z.boolean(),
  description: multilineText(1000).nullable(),
  parameters: viewList(
    z.strictObject({ name: viewText(2048), type: viewText(32), default: viewText(4096).nullable() }),
    256,
  ),
  stationFilled: viewList(viewText(2048), 64),
});

const runPhaseName = z.enum(runPhaseNames);
const provisioningMode = z.enum(['csr', 'keys']);

const runFailureView = z.strictObject({
  code: idText,
  message: messageText,
  hint: messageText,
  detail: multilineText(8000).nullable(),
  phase: runPhaseName,
  retryable: z.boolean(),
});

const runView = z.strictObject({
  runId: idText,
  batchId: idText,
  bayId: idText,
  portPath: devicePath,
  attempt: count,
  phase: runPhaseName,
  phaseStartedAt: epochMs,
  startedAt: epochMs,
  finishedAt: epochMs.nullable(),
  serialNumber: viewText(256).nullable(),
  model: viewText(256).nullable(),
  hardwareRevision: viewText(128).nullable(),
  firmwareVersion: viewText(128).nullable(),
  mode: provisioningMode.nullable(),
  progress: z
    .strictObject({ stage: count, stageName: viewText(128), detail: viewText(1000).nullable() })
    .nullable(),
  transfer: z.strictObject({ heldBytes: count, totalBytes: count }).nullable(),
  claimExpiresAt: epochMs.nullable(),
  heldIdentity: z.strictObject({ thingName: idText.nullable(), certificateId: idText }).nullable(),
  thingName: idText.nullable(),
  certificateId: idText.nullable(),
  fingerprint: fingerprintHex.nullable(),
  otherCertificateIds: viewList(idText, 64),
  replaced: z
    .strictObject({
      certificateId: idText,
      outcome: z.enum(['retired', 'left-for-admin']),
      reason: messageText.nullable(),
    })
    .nullable(),
  failure: runFailureView.nullable(),
  recovered: z.boolean(),
});

const batchStatusName = z.enum(['running', 'paused', 'finished', 'cancelled']);

const batchView = z.strictObject({
  id: idText,
  label: viewText(120),
  templateName: idText,
  parameters: viewRecord(viewText(2048), viewText(4096), 64),
  targetCount: count.nullable(),
  bays: count,
  status: batchStatusName,
  operatorUsername: usernameText,
  createdAt: epochMs,
  finishedAt: epochMs.nullable(),
  counts: z.strictObject({ done: count, failed: count, waiting: count, active: count, cancelled: count }),
  devicesPerHour: z.number().min(0).nullable(),
});

const bayView = z.strictObject({
  bayId: idText,
  portPath: devicePath,
  location: viewText(256).nullable(),
  status: z.enum(['probing', 'no-answer', 'device', 'released']),
  serialNumber: viewText(256).nullable(),
  runId: idText.nullable(),
  message: messageText.nullable(),
});

const engineView = z.strictObject({
  batch: batchView.nullable(),
  runs: viewList(runView, 100_000),
  bays: viewList(bayView, 256),
});

const runDetailView = z.strictObject({
  run: runView,
  timeline: viewList(z.strictObject({ at: epochMs, event: viewText(200), phase: runPhaseName }), 10_000),
  deviceLog: viewList(viewText(2000), 10_000),
});

const auditRowView = z.strictObject({
  runId: idText,
  batchId: idText,
  batchLabel: viewText(120),
  at: epochMs,
  operatorUsername: usernameText,
  stationId: viewText(128),
  bayId: idText,
  serialNumber: viewText(256),
  model: viewText(256),
  firmwareVersion: viewText(128),
  templateName: viewText(128),
  mode: provisioningMode.nullable(),
  thingName: idText.nullable(),
  certificateId: idText.nullable(),
  outcome: z.enum(['provisioned', 'failed', 'cancelled', 'already-provisioned']),
  errorCode: idText.nullable(),
});

const batchHistoryView = z.strictObject({
  id: idText,
  label: viewText(120),
  templateName: viewText(128),
  status: batchStatusName,
  operatorUsername: usernameText,
  stationId: viewText(128),
  createdAt: epochMs,
  finishedAt: epochMs.nullable(),
  targetCount: count.nullable(),
  bays: count,
});

const auditExportView = z.strictObject({
  fileName: viewText(255),
  mediaType: z.enum(['text/csv', 'application/json']),
  content: multilineText(64 * 1024 * 1024),
  count,
});

const benchHealthView = z.strictObject({
  checkedAt: epochMs,
  checks: viewList(
    z.strictObject({
      id: idText,
      title: viewText(120),
      status: z.enum(['ok', 'warning', 'problem']),
      summary: messageText,
      fix: messageText.nullable(),
      command: viewText(1000).nullable(),
    }),
    100,
  ),
});

const systemReportView = z.strictObject({
  fileName: viewText(255),
  content: multilineText(4 * 1024 * 1024),
});

/** A folder path as the OS spells it (long Windows profile paths included). */
const folderPath = viewText(4096).min(1);

const logFolderView = z.strictObject({ path: folderPath });

const logFolderOpenView = z.strictObject({
  path: folderPath,
  opened: z.boolean(),
  message: messageText.nullable(),
});

const diagnosticsReceipt = z.strictObject({ recorded: z.boolean() });

const responseSchemaTable = {
  'app.info': appInfo,
  'devices.list': serialDeviceList,
  'devices.configurePorts': serialDeviceList,
  'profile.get': profileView,
  'profile.use': profileView,
  'session.get': sessionView,
  'session.signIn': sessionView,
  'session.answer': sessionView,
  'session.signOut': sessionView,
  'templates.list': viewList(templateSummaryView, 1000),
  'templates.describe': templateDetailView,
  'batch.get': engineView,
  'batch.start': engineView,
  'batch.pause': engineView,
  'batch.resume': engineView,
  'batch.cancel': engineView,
  'batch.finish': engineView,
  'bays.probe': engineView,
  'runs.retry': runView,
  'runs.cancel': runView,
  'runs.confirmReprovision': runView,
  'runs.detail': runDetailView,
  'history.batches': viewList(batchHistoryView, 100_000),
  'history.audit': viewList(auditRowView, 100_000),
  'history.export': auditExportView,
  'health.check': benchHealthView,
  'health.report': systemReportView,
  'logs.folder': logFolderView,
  'logs.openFolder': logFolderOpenView,
  'diagnostics.report': diagnosticsReceipt,
} satisfies { [C in InvokeChannel]: z.ZodType<InvokeResponses[C]> };

const eventSchemaTable = {
  'devices.changed': serialDeviceChange,
  'session.changed': sessionView,
  'batch.changed': engineView,
} satisfies { [C in EventChannel]: z.ZodType<EventPayloads[C]> };

export const responseSchemas: { [C in InvokeChannel]: z.ZodType<InvokeResponses[C]> } = responseSchemaTable;
export const eventSchemas: { [C in EventChannel]: z.ZodType<EventPayloads[C]> } = eventSchemaTable;

// Compile-time completeness: every channel has a schema (the `satisfies` above), and each schema's
// output is exactly its view-model type: a field the type has and the schema lacks, or the other way
// round, fails the typecheck here instead of refusing every message at run time.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type AllSame<Table extends Record<string, z.ZodType>, Types> = {
  [C in keyof Types]: C extends keyof Table ? Same<z.output<Table[C]>, Types[C]> : false;
}[keyof Types];
type MustBeTrue<T extends true> = T;
export type ResponseSchemasAreExact = MustBeTrue<AllSame<typeof responseSchemaTable, InvokeResponses>>;
export type EventSchemasAreExact = MustBeTrue<AllSame<typeof eventSchemaTable, EventPayloads>>;
