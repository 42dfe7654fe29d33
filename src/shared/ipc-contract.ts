import { z } from 'zod';
import { pageProblemKinds, problemReportLimits, screenNames } from './diagnostics.js';
import type { EventChannelName, InvokeChannelName } from './ipc-channels.js';
import { portPatternProblem } from './serial-port-pattern.js';
import type {
  AppInfo,
  AuditExportView,
  AuditRowView,
  BatchHistoryView,
  BenchHealthView,
  DiagnosticsReceipt,
  EngineChange,
  EngineView,
  LogFolderOpenView,
  LogFolderView,
  ProfileView,
  RunDetailView,
  RunView,
  SerialDeviceChange,
  SerialDeviceList,
  SessionView,
  SystemReportView,
  TemplateDetailView,
  TemplateSummaryView,
} from './view-models.js';

/**
 * The one IPC contract. Each invoke channel names its argument schema (zod, validated in main
 * before any handler runs) and its response type; each event channel names its payload type.
 * Main registers handlers only through src/main/core/ipc/register-handlers.ts, the preload exposes
 * only the named functions built by src/preload/station-api.ts.
 */

/**
 * A serial port path or glob the operator adds: a device path, or a folder named in full with a
 * wildcard in the last part only (src/shared/serial-port-pattern.ts); printable, bounded.
 */
const portPattern = z
  .string()
  .trim()
  .superRefine((value, context) => {
    const problem = portPatternProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

const printableLine = (what: string, max: number) =>
  z
    .string()
    .max(max, `${what} is at most ${max} characters.`)
    .refine((value) => !/\p{Cc}/u.test(value), `${what} cannot contain control characters.`);

const username = printableLine('The username', 128).pipe(z.string().trim().min(1, 'Enter your username.'));
/** Passwords are passed to Cognito as typed: no trimming, never logged. */
const password = z.string().min(1, 'Enter your password.').max(256, 'A password is at most 256 characters.');
const otpCode = z.string().regex(/^\d{6}$/, 'The code is the 6 digits your authenticator app shows.');
const templateName = z
  .string()
  .regex(/^[0-9A-Za-z_-]{1,36}$/, 'A template name is 1-36 letters, digits, _ or -.');
const recordId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'That is not a device or batch id.');

const challengeAnswer = z.discriminatedUnion('step', [
  z.strictObject({ step: z.literal('new-password'), newPassword: password }),
  z.strictObject({ step: z.literal('totp-setup'), code: otpCode }),
  z.strictObject({ step: z.literal('totp-code'), code: otpCode }),
]);

const batchStart = z.strictObject({
  label: printableLine('The batch label', 120).pipe(z.string().trim().min(1, 'Give the batch a label.')),
  templateName,
  parameters: z
    .record(
      z.string().min(1).max(2048, 'A parameter name is at most 2048 characters.'),
      printableLine('A parameter value', 4096),
    )
    .refine((value) => Object.keys(value).length <= 64, 'At most 64 parameters.'),
  targetCount: z.number().int().min(1, 'The target count is at least 1.').max(1_000_000).nullable(),
  bays: z.number().int().min(1, 'At least one bay.').max(32, 'At most 32 parallel bays.'),
});

const historyFilter = z.strictObject({
  batchId: recordId.optional(),
  search: printableLine('The search', 128).optional(),
  limit: z.number().int().min(1).max(100_000).optional(),
});

/** Where the station's AWS side comes from: a profile file's contents, amplify_outputs.json, or fields. */
const profileSource = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('profile-json'),
    json: z
      .string()
      .min(2)
      .max(128 * 1024),
  }),
  z.strictObject({
    kind: z.literal('amplify-outputs'),
    json: z
      .string()
      .min(2)
      .max(512 * 1024),
    templateName: z.string().max(36).optional(),
    dataEndpoint: z.string().max(300).optional(),
    name: z.string().max(120).optional(),
  }),
  z.strictObject({ kind: z.literal('sandbox') }),
  z.strictObject({
    kind: z.literal('fields'),
    fields: z.record(z.string().max(64), z.string().max(64 * 1024)),
  }),
]);

/**
 * What the renderer reports for the log: the screen it shows, or a problem it met. Fixed names and
 * bounded text; the text may span lines (a stack) and may hold anything an error said, so main
 * redacts it like every other log line.
 */
const screenName = z.enum(screenNames);
const diagnosticsReport = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('screen'), screen: screenName }),
  z.strictObject({
    kind: z.enum(pageProblemKinds),
    screen: screenName,
    name: printableLine('The error name', problemReportLimits.name),
    message: z
      .string()
      .max(problemReportLimits.message, `A message is at most ${problemReportLimits.message} characters.`),
    stack: z
      .string()
      .max(problemReportLimits.stack, `A stack is at most ${problemReportLimits.stack} characters.`)
      .nullable(),
  }),
]);

export const invokeSchemas = {
  'app.info': z.tuple([]),
  'devices.list': z.tuple([]),
  'devices.configurePorts': z.tuple([
    z.array(portPattern).max(64, 'At most 64 configured port paths are supported.'),
  ]),
  'profile.get': z.tuple([]),
  'profile.use': z.tuple([profileSource]),
  'session.get': z.tuple([]),
  'session.signIn': z.tuple([z.strictObject({ username, password })]),
  'session.answer': z.tuple([challengeAnswer]),
  'session.signOut': z.tuple([]),
  'templates.list': z.tuple([]),
  'templates.describe': z.tuple([templateName]),
  'batch.get': z.tuple([]),
  'batch.start': z.tuple([batchStart]),
  'batch.pause': z.tuple([]),
  'batch.resume': z.tuple([]),
  'batch.cancel': z.tuple([]),
  'batch.finish': z.tuple([]),
  'bays.probe': z.tuple([portPattern]),
  'runs.retry': z.tuple([recordId]),
  'runs.cancel': z.tuple([recordId]),
  'runs.confirmReprovision': z.tuple([recordId]),
  'runs.detail': z.tuple([recordId]),
  'history.batches': z.tuple([]),
  'history.audit': z.tuple([historyFilter]),
  'history.export': z.tuple([historyFilter.extend({ format: z.enum(['csv', 'json']) })]),
  'health.check': z.tuple([]),
  'health.report': z.tuple([]),
  'logs.folder': z.tuple([]),
  'logs.openFolder': z.tuple([]),
  'diagnostics.report': z.tuple([diagnosticsReport]),
} as const;

export interface InvokeResponses {
  'app.info': AppInfo;
  'devices.list': SerialDeviceList;
  'devices.configurePorts': SerialDeviceList;
  'profile.get': ProfileView;
  'profile.use': ProfileView;
  'session.get': SessionView;
  'session.signIn': SessionView;
  'session.answer': SessionView;
  'session.signOut': SessionView;
  'templates.list': TemplateSummaryView[];
  'templates.describe': TemplateDetailView;
  'batch.get': EngineView;
  'batch.start': EngineView;
  'batch.pause': EngineView;
  'batch.resume': EngineView;
  'batch.cancel': EngineView;
  'batch.finish': EngineView;
  'bays.probe': EngineView;
  'runs.retry': RunView;
  'runs.cancel': RunView;
  'runs.confirmReprovision': RunView;
  'runs.detail': RunDetailView;
  'history.batches': BatchHistoryView[];
  'history.audit': AuditRowView[];
  'history.export': AuditExportView;
  'health.check': BenchHealthView;
  'health.report': SystemReportView;
  'logs.folder': LogFolderView;
  'logs.openFolder': LogFolderOpenView;
  'diagnostics.report': DiagnosticsReceipt;
}

export interface EventPayloads {
  'devices.changed': SerialDeviceChange;
  'session.changed': SessionView;
  'batch.changed': EngineChange;
}

export type InvokeChannel = InvokeChannelName;
export type EventChannel = EventChannelName;
export type InvokeArgs<C extends InvokeChannel> = z.infer<(typeof invokeSchemas)[C]>;

// Compile-time checks that the channel-name lists and the schemas/types describe the same channels.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemasMatchNames: Same<keyof typeof invokeSchemas, InvokeChannelName> = true;
const responsesMatchNames: Same<keyof InvokeResponses, InvokeChannelName> = true;
const eventsMatchNames: Same<keyof EventPayloads, EventChannelName> = true;
void [schemasMatchNames, responsesMatchNames, eventsMatchNames];
