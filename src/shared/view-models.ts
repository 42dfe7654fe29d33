/**
 * What the renderer may know. Only ids, states, counts, messages and fingerprints live here —
 * never certificate, key or token text (see src/main/core/ipc/secret-guard.ts).
 */

export interface StationProfileView {
  /** Shown to the operator, e.g. "Sandbox (embedded)" or "Production eu-west-1". */
  name: string;
  kind: 'sandbox' | 'aws';
  region: string;
}

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
  arch: string;
  /** Electron, Chromium and Node versions where known; the harness reports its Node only. */
  runtime: { electron: string | null; chrome: string | null; node: string };
  profile: StationProfileView;
}

export interface SerialDeviceView {
  /** The port path the station opens: /dev/ttyUSB0, COM3, or a configured pseudo-terminal. */
  path: string;
  /** How the station found it: the OS's serial port list, or a path/glob the operator configured. */
  source: 'system' | 'configured';
  /** USB ids as four lowercase hex digits, when the OS gives them. */
  vendorId: string | null;
  productId: string | null;
  serialNumber: string | null;
  manufacturer: string | null;
  /** Physical location (USB bus path) when the OS gives one, so the operator can tell sockets apart. */
  location: string | null;
}

export interface SerialDeviceList {
  devices: SerialDeviceView[];
  /** The paths and globs configured by the operator (saved in the settings, editable). */
  configuredPatterns: string[];
  /** Paths and globs given on the command line or in the environment: listed, not editable. */
  fixedPatterns: string[];
  /** How changes are detected: USB hotplug events, or polling where USB is not available. */
  watchMode: 'hotplug' | 'polling';
}

export interface SerialDeviceChange {
  added: SerialDeviceView[];
  removed: string[];
  list: SerialDeviceList;
}

// ---- provisioning engine ------------------------------------------------------------------------

/** A device run's phases (docs/operations.md says what each means). */
export const runPhaseNames = [
  /** A port appeared; the run exists but nothing was sent yet. */
  'detected',
  /** HELLO_REQUEST sent, waiting for the device to announce itself. */
  'handshake',
  /** The device holds an identity; nothing happens without the operator's confirmation. */
  'needs-confirmation',
  /** Announced and ready; waiting for a free bay slot. */
  'queued',
  /** CreateProvisioningClaim in flight. */
  'claim',
  /** Claim bytes going over the serial link. */
  'delivery',
  /** The device runs Fleet Provisioning over MQTT; progress comes from the device. */
  'provisioning',
  /** The registry is checked with the operator's credentials. */
  'verification',
  /** A confirmed re-provision: the old certificate is set INACTIVE and detached. */
  'retiring',
  /** After a restart: an in-flight run is re-checked (registry, or the device's HELLO). */
  'recovering',
  /** The device went away while idle; the run resumes when it is seen again. */
  'unplugged',
  'done',
  'failed',
  'cancelled',
] as const;
export type RunPhaseName = (typeof runPhaseNames)[number];

export interface RunFailureView {
  /** Stable code (docs/operations.md), e.g. DEVICE_NO_RESPONSE, CLAIM_ACCESS_DENIED. */
  code: string;
  message: string;
  /** What the operator can do. */
  hint: string;
  /** The underlying AWS or device error in full. */
  detail: string | null;
  phase: RunPhaseName;
  retryable: boolean;
}

/** One device in the batch queue. Ids and fingerprints only — never certificate or key text. */
export interface RunView {
  runId: string;
  batchId: string;
  bayId: string;
  portPath: string;
  attempt: number;
  phase: RunPhaseName;
  phaseStartedAt: number;
  startedAt: number;
  finishedAt: number | null;
  serialNumber: string | null;
  model: string | null;
  hardwareRevision: string | null;
  firmwareVersion: string | null;
  mode: 'csr' | 'keys' | null;
  progress: { stage: number; stageName: string; detail: string | null } | null;
  /** Bytes of the claim the device holds during delivery. */
  transfer: { heldBytes: number; totalBytes: number } | null;
  /** When the claim stops working, while it matters (claim, delivery, provisioning). */
  claimExpiresAt: number | null;
  /** The identity the device held before this run (a re-provision replaces it); thingName null without a Thing. */
  heldIdentity: { thingName: string | null; certificateId: string } | null;
  thingName: string | null;
  certificateId: string | null;
  fingerprint: string | null;
  otherCertificateIds: string[];
  replaced: { certificateId: string; outcome: 'retired' | 'left-for-admin'; reason: string | null } | null;
  failure: RunFailureView | null;
  /** The result was confirmed by a registry re-check after a restart or a lost result. */
  recovered: boolean;
}

export type BatchStatusName = 'running' | 'paused' | 'finished' | 'cancelled';

export interface BatchView {
  id: string;
  label: string;
  templateName: string;
  parameters: Record<string, string>;
  targetCount: number | null;
  bays: number;
  status: BatchStatusName;
  operatorUsername: string;
  createdAt: number;
  finishedAt: number | null;
  counts: { done: number; failed: number; waiting: number; active: number; cancelled: number };
  /** Verified devices per hour since the batch started; null before the first. */
  devicesPerHour: number | null;
}

export interface BayView {
  bayId: string;
  portPath: string;
  location: string | null;
  status: 'probing' | 'no-answer' | 'device' | 'released';
  serialNumber: string | null;
  runId: string | null;
  message: string | null;
}

export interface EngineView {
  batch: BatchView | null;
  runs: RunView[];
  bays: BayView[];
}

/** A throttled update: the batch, the runs that changed since the last one, and all bays. */
export interface EngineChange {
  batch: BatchView | null;
  runs: RunView[];
  bays: BayView[];
}

export interface RunTimelineEntry {
  at: number;
  event: string;
  phase: RunPhaseName;
}

export interface RunDetailView {
  run: RunView;
  timeline: RunTimelineEntry[];
  /** The device's own log lines (most recent last), as it printed them between frames. */
  deviceLog: string[];
}

export interface TemplateSummaryView {
  name: string;
  description: string | null;
  enabled: boolean;
}

export interface TemplateDetailView {
  name: string;
  enabled: boolean;
  description: string | null;
  /** Parameters the operator fills for the batch. */
  parameters: { name: string; type: string; default: string | null }[];
  /** Parameters the station fills per device (SerialNumber, Model, BatchId, StationId, Operator). */
  stationFilled: string[];
}

export interface AuditRowView {
  runId: string;
  batchId: string;
  batchLabel: string;
  at: number;
  operatorUsername: string;
  stationId: string;
  bayId: string;
  serialNumber: string;
  model: string;
  firmwareVersion: string;
  templateName: string;
  mode: 'csr' | 'keys' | null;
  thingName: string | null;
  certificateId: string | null;
  outcome: 'provisioned' | 'failed' | 'cancelled' | 'already-provisioned';
  errorCode: string | null;
}

export interface BatchHistoryView {
  id: string;
  label: string;
  templateName: string;
  status: BatchStatusName;
  operatorUsername: string;
  stationId: string;
  createdAt: number;
  finishedAt: number | null;
  targetCount: number | null;
  bays: number;
}

export interface AuditExportView {
  fileName: string;
  mediaType: 'text/csv' | 'application/json';
  content: string;
  count: number;
}

export type SessionStepName = 'new-password' | 'totp-setup' | 'totp-code';

/** Who is signed in and what they may do — never a token. */
export interface SessionView {
  status: 'signed-out' | 'challenge' | 'signed-in';
  username: string | null;
  groups: string[];
  mayProvision: boolean;
  /** When the operator must sign in again (ms since the epoch), null when signed out. */
  reauthenticateBy: number | null;
  step: SessionStepName | null;
  /** Only on the totp-setup step: for the authenticator app, shown once. */
  totpSetup?: { secret: string; otpauthUri: string };
  remembered: boolean;
  notice: string | null;
}

/** The AWS side the station uses, as the operator may see it: ids and endpoints, no secrets. */
export interface ProfileView {
  configured: boolean;
  name: string;
  kind: 'sandbox' | 'aws';
  region: string;
  templateName: string | null;
  userPoolId: string | null;
  dataEndpoint: string | null;
  /**
   * Where it came from: a file given at start, one the operator imported, the sandbox this station
   * started itself (the embedded default), or none yet.
   */
  source: 'command-line' | 'imported' | 'embedded' | 'none';
  /** Whether this station can run its embedded sandbox (then `profile.use({ kind: 'sandbox' })` works). */
  sandboxAvailable: boolean;
}

// ---- bench health -------------------------------------------------------------------------------

export type BenchCheckStatus = 'ok' | 'warning' | 'problem';

/** One thing that can stop a bench working, as found just now, with its fix. */
export interface BenchCheckView {
  /** Stable id, e.g. serial-permission, port-held, aws-reachable, clock-skew. */
  id: string;
  /** Short name shown as the check's heading, e.g. "Serial port permission". */
  title: string;
  status: BenchCheckStatus;
  /** What was found, in plain words. */
  summary: string;
  /** What the operator does about it; null when nothing needs doing. */
  fix: string | null;
  /** The exact command that fixes it, where there is one (shown with a copy button). */
  command: string | null;
}

export interface BenchHealthView {
  checkedAt: number;
  checks: BenchCheckView[];
}

/** A plain-text report for support: versions, ports, permissions, profile summary, recent log lines, redacted. */
export interface SystemReportView {
  fileName: string;
  content: string;
}

/** Where the station's log files are (station.log and the rotated station.N.log). */
export interface LogFolderView {
  path: string;
}

/** Whether main could open the log folder in the desktop's file manager; the path either way. */
export interface LogFolderOpenView {
  path: string;
  opened: boolean;
  /** Why it did not open and what to do instead; null when it opened. */
  message: string | null;
}

/** A diagnostics report was taken; `recorded` is false when main dropped it (too many too fast). */
export interface DiagnosticsReceipt {
  recorded: boolean;
}
