import { inspect } from 'node:util';
import { thrownParts } from '../../../shared/thrown-value.js';
import type { BatchView, RunView, SessionView } from '../../../shared/view-models.js';
import type { IpcCallMark } from '../ipc/recent-ipc-calls.js';
import { bound, boundInput, redactSecrets } from './secret-redaction.js';

/** Which process met the problem. */
export type CrashOrigin = 'main process' | 'renderer' | 'child process';

export interface CrashReport {
  where: CrashOrigin;
  /** What happened, in a few words: "uncaught exception", "render process gone". */
  kind: string;
  /** What was thrown or rejected: an Error, an error-like object ({name, message, stack}) or any value. */
  error?: unknown;
  /** Plain facts the event gave (a reason and an exit code). */
  detail?: string;
}

/** What the operator was doing when it happened: view models and channel names, never a secret. */
export interface OperatorContext {
  profileName: string | null;
  session: Pick<SessionView, 'status' | 'username' | 'mayProvision'>;
  /** The screen the renderer last said it shows. */
  screen: string | null;
  batch: BatchView | null;
  runs: readonly RunView[];
  recentIpc: readonly IpcCallMark[];
}

/** Bounds of what an entry carries from the thrown value. */
export const crashTextLimits = { name: 120, message: 2000, stack: 8000, frames: 60, runs: 32 } as const;

/** The word every line of an entry starts with, so `grep CRASH station.log` finds them all. */
export const crashMarker = 'CRASH';

const finished = new Set<RunView['phase']>(['done', 'failed', 'cancelled']);

/**
 * A crash entry: a block of log lines marked `CRASH #<n>`, with what was thrown (name, message,
 * stack) and what the operator was doing. The thrown text is redacted whole before it is cut into
 * lines — a PEM split over lines would no longer look like one — and each line then passes the
 * core's redacting log like any other.
 */
export function crashEntryLines(report: CrashReport, context: OperatorContext, sequence: number): string[] {
  const tag = `${crashMarker} #${sequence}`;
  const lines: string[] = [`${tag} begin: ${report.where}, ${clean(report.kind, 200)}`];
  if (report.detail) lines.push(`${tag} detail: ${clean(report.detail, 500)}`);
  if (report.error !== undefined) {
    const thrown = describeThrown(report.error);
    lines.push(`${tag} error: ${thrown.name}: ${thrown.message}`);
    for (const frame of thrown.frames) lines.push(`${tag} stack: ${frame}`);
  }
  lines.push(
    `${tag} operator: ${describeSession(context.session)}; screen: ${context.screen ?? 'not reported'}`,
  );
  lines.push(`${tag} profile: ${context.profileName ?? 'none'}`);
  lines.push(`${tag} batch: ${describeBatch(context.batch)}`);
  const inFlight = context.runs.filter((run) => !finished.has(run.phase));
  lines.push(`${tag} runs in flight: ${inFlight.length}`);
  for (const run of inFlight.slice(0, crashTextLimits.runs)) lines.push(`${tag} run: ${describeRun(run)}`);
  if (inFlight.length > crashTextLimits.runs) {
    lines.push(`${tag} run: … and ${inFlight.length - crashTextLimits.runs} more`);
  }
  const calls = context.recentIpc.map((call) => `${timeOfDay(call.at)} ${call.channel}`);
  lines.push(
    `${tag} recent IPC (${calls.length}, oldest first): ${calls.length > 0 ? calls.join(', ') : 'none'}`,
  );
  lines.push(`${tag} end`);
  return lines;
}

interface ThrownDescription {
  name: string;
  message: string;
  frames: string[];
}

/** Name, message and stack frames of anything thrown, redacted and bounded. */
export function describeThrown(value: unknown): ThrownDescription {
  const thrown = thrownParts(value, inspectValue);
  return {
    name: clean(thrown.name, crashTextLimits.name),
    message: clean(thrown.message, crashTextLimits.message),
    frames: stackFrames(thrown.stack),
  };
}

/**
 * The stack's frames, one per line. Redacted as a whole first; V8's header (name and message) is
 * dropped since the error line says it; a stack in another format is kept line by line.
 */
function stackFrames(stack: string | null): string[] {
  if (!stack) return [];
  const lines = clean(stack, crashTextLimits.stack, { keepLineBreaks: true })
    .split(/\r\n|\r|\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
  const frames = lines.filter((line) => /^\s*at\s/.test(line));
  const kept = (frames.length > 0 ? frames : lines).map((line) => line.trim());
  if (kept.length <= crashTextLimits.frames) return kept;
  return [
    ...kept.slice(0, crashTextLimits.frames),
    `… ${kept.length - crashTextLimits.frames} more frame(s)`,
  ];
}

function inspectValue(value: unknown): string {
  return inspect(value, { depth: 3, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 2000 });
}

/**
 * An AWS secret access key is 40 characters of base64 with nothing around it to say what it is, so
 * the shared shapes (which must not refuse ids on the way to the renderer) let it pass. In crash text
 * — free text from anywhere — a bare 40-character word of mixed case and digits is masked too.
 */
const bareSecretKey = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=_-])/g;

export function maskBareSecretKeys(text: string): string {
  return text.replace(bareSecretKey, (word) =>
    /[a-z]/.test(word) && /[A-Z]/.test(word) && /[0-9]/.test(word) ? '[redacted possible secret key]' : word,
  );
}

/** Redacted whole, then bounded; on one line unless line breaks are asked for (the stack). */
function clean(text: string, max: number, options: { keepLineBreaks?: boolean } = {}): string {
  const redacted = maskBareSecretKeys(redactSecrets(boundInput(text, max)));
  const shaped = options.keepLineBreaks ? redacted : redacted.replace(/\r\n|\r|\n/g, ' ');
  return bound(shaped, max);
}

function describeSession(session: OperatorContext['session']): string {
  const who = session.username ?? 'unknown user';
  if (session.status === 'signed-in') {
    return `signed in as ${who} (${session.mayProvision ? 'may provision' : 'may not provision'})`;
  }
  if (session.status === 'challenge') return `signing in as ${who} (a further step was asked for)`;
  return 'not signed in';
}

function describeBatch(batch: BatchView | null): string {
  if (!batch) return 'none open';
  const { counts } = batch;
  return (
    `"${clean(batch.label, 120)}" (${batch.id}, ${batch.status}, template ${batch.templateName}): ` +
    `${counts.done} done, ${counts.failed} failed, ${counts.active} active, ${counts.waiting} waiting, ${counts.cancelled} cancelled`
  );
}

function describeRun(run: RunView): string {
  return (
    `${run.phase} on ${run.portPath}, serial ${run.serialNumber ?? 'not read yet'}, ` +
    `bay ${run.bayId}, run ${run.runId}, attempt ${run.attempt}`
  );
}

function timeOfDay(at: number): string {
  const date = new Date(at);
  return Number.isFinite(date.getTime()) ? `${date.toISOString().slice(11, 23)}Z` : '?';
}
