import type { z } from 'zod';
import {
  invokeSchemas,
  type EventChannel,
  type EventPayloads,
  type InvokeArgs,
  type InvokeChannel,
  type InvokeResponses,
} from '../../../shared/ipc-contract.js';
import { deliberateSecretPaths, eventSchemas, responseSchemas } from '../../../shared/ipc-output-schemas.js';
import type { IpcError, IpcResult } from '../../../shared/ipc-result.js';
import { createRedactingLog } from '../logging/redacting-log.js';
import { redactForDisplay } from '../logging/secret-redaction.js';
import { findSecretSpans } from '../logging/secret-shapes.js';
import { StationError } from '../station-error.js';
import type { IpcMainTransport, IpcSender } from './ipc-transport.js';
import { assertPlainData, UnsafeValueError } from './plain-data-guard.js';
import { assertNoSecrets, SecretLeakError } from './secret-guard.js';

export type Handlers = {
  [C in InvokeChannel]: (...args: InvokeArgs<C>) => Promise<InvokeResponses[C]> | InvokeResponses[C];
};

export interface RegisterOptions {
  transport: IpcMainTransport;
  handlers: Handlers;
  /** True only for our own window at our own origin. */
  isTrustedSender: (sender: IpcSender) => boolean;
  /**
   * Where refused and failed calls are reported (never with arguments or refused values: they may be
   * anything). Every line passes through the redacting sink first.
   */
  log?: (line: string) => void;
  /**
   * Told the channel of every call from a trusted sender, before its arguments are checked (a
   * crash entry lists the last ones). Never given the arguments.
   */
  onCall?: (channel: InvokeChannel) => void;
}

export interface RegisteredIpc {
  /** Send an event to the renderer; the payload must pass its output schema and the secret guard. */
  emit<C extends EventChannel>(channel: C, payload: EventPayloads[C]): void;
  dispose(): void;
}

/** Operator messages (StationError) are shown whole, up to this length. */
const maxErrorMessageLength = 2000;
const internalMessage =
  'The station hit an unexpected problem and did not complete the action. Try again; if it repeats, restart the station and report it.';

/**
 * The only way main answers the renderer. Every call is checked in this order: trusted sender,
 * arguments against the contract's schema, then the handler; every outcome is an IpcResult with
 * an operator-readable message. On the way out every response and event is checked, in order: plain
 * data only, its strict output schema, then the secret guard; what fails is never sent.
 */
export function registerHandlers(options: RegisterOptions): RegisteredIpc {
  const { transport, handlers, isTrustedSender } = options;
  const log = createRedactingLog(options.log ?? ((line: string) => console.warn(line)));
  const channels = Object.keys(invokeSchemas) as InvokeChannel[];

  for (const channel of channels) {
    transport.handle(channel, async (sender, args) => {
      if (!isTrustedSender(sender)) {
        log(`ipc: refused ${channel} from untrusted sender ${describeSender(sender)}`);
        return failure('FORBIDDEN', 'This window is not allowed to talk to the station.');
      }
      try {
        options.onCall?.(channel);
      } catch {
        // An observer's failure never changes the answer.
      }
      const parsed = invokeSchemas[channel].safeParse(args);
      if (!parsed.success) {
        log(`ipc: refused ${channel}: invalid arguments`);
        return failure('INVALID_ARGUMENT', describeInvalid(channel, parsed.error));
      }
      let value: unknown;
      try {
        const handler = handlers[channel] as (...values: unknown[]) => unknown;
        value = await handler(...(parsed.data as unknown[]));
      } catch (error) {
        if (error instanceof StationError) return failure('FAILED', operatorMessage(channel, error, log));
        log(`ipc: ${channel} failed: ${describeError(error)}`);
        return failure('INTERNAL', internalMessage);
      }
      const checked = checkOutgoing(responseSchemas[channel], value, deliberateSecretPaths[channel]);
      if (!checked.ok) {
        log(`ipc: refused to send the ${channel} response: ${checked.reason}`);
        return failure('INTERNAL', internalMessage);
      }
      return { ok: true, value: checked.value } satisfies IpcResult<unknown>;
    });
  }

  return {
    emit(channel, payload) {
      const checked = checkOutgoing(eventSchemas[channel], payload, deliberateSecretPaths[channel]);
      if (!checked.ok) {
        log(`ipc: dropped a ${channel} event: ${checked.reason}`);
        return;
      }
      transport.send(channel, checked.value);
    },
    dispose() {
      for (const channel of channels) transport.removeHandler(channel);
    },
  };
}

type Checked = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * The allow-list on the way out. The reason names the rule and the path, never the value. What is
 * sent is the schema's output: a fresh copy holding only declared fields.
 */
function checkOutgoing(
  schema: z.ZodType | undefined,
  value: unknown,
  allowedPaths: readonly string[] | undefined,
): Checked {
  try {
    return check(schema, value, allowedPaths);
  } catch (error) {
    // A getter that throws, a value too odd for zod: refused like any other, never sent.
    return { ok: false, reason: `checking it failed (${describeError(error)})` };
  }
}

function check(
  schema: z.ZodType | undefined,
  value: unknown,
  allowedPaths: readonly string[] | undefined,
): Checked {
  if (!schema) return { ok: false, reason: 'no output schema is declared for it' };
  try {
    assertPlainData(value);
  } catch (error) {
    if (error instanceof UnsafeValueError) return { ok: false, reason: `${error.what} at ${error.where}` };
    throw error;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: describeOutputIssue(parsed.error) };
  try {
    assertNoSecrets(parsed.data, '$', { allowedPaths: allowedPaths ?? [] });
  } catch (error) {
    if (error instanceof SecretLeakError) return { ok: false, reason: `${error.what} at ${error.where}` };
    throw error;
  }
  return { ok: true, value: parsed.data };
}

function describeOutputIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'it does not match its output schema';
  const where = formatPath(issue.path);
  // Unknown keys are named (they are field names, not values); other issues give zod's own words,
  // which describe the expectation, not the value.
  if (issue.code === 'unrecognized_keys') return `undeclared field(s) ${issue.keys.join(', ')} at ${where}`;
  return `${issue.message} (${issue.code}) at ${where}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return (
    '$' +
    path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part).slice(0, 64)}`)).join('')
  );
}

/**
 * A StationError's message is shown to the operator, so it is redacted first: a PEM or token caught
 * in it becomes `[redacted certificate]` and the rest stays readable.
 */
function operatorMessage(channel: string, error: StationError, log: (line: string) => void): string {
  if (findSecretSpans(error.message).length > 0) {
    log(`ipc: redacted secret-shaped text from a ${channel} error message`);
  }
  const message = redactForDisplay(error.message, maxErrorMessageLength);
  try {
    assertNoSecrets(message);
  } catch {
    return internalMessage;
  }
  return message;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return typeof error === 'string' ? error : 'a non-Error value was thrown';
}

function failure(code: IpcError['code'], message: string): IpcResult<never> {
  return { ok: false, error: { code, message } };
}

function describeSender(sender: IpcSender): string {
  // The URL may be attacker-chosen: bound and strip it before it reaches a log line.
  return `${sender.id} at ${sender.url.slice(0, 200).replace(/[^\x20-\x7e]/g, '?')}`;
}

function describeInvalid(channel: string, error: z.ZodError): string {
  const first = error.issues[0];
  const detail = first ? first.message : 'unexpected arguments';
  return `The request ${channel} was refused: ${detail}`;
}
