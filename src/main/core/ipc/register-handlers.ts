import type { z } from 'zod';
import {
  invokeSchemas,
  type EventChannel,
  type EventPayloads,
  type InvokeArgs,
  type InvokeChannel,
  type InvokeResponses,
} from '../../../shared/ipc-contract.js';
import type { IpcError, IpcResult } from '../../../shared/ipc-result.js';
import { StationError } from '../station-error.js';
import type { IpcMainTransport, IpcSender } from './ipc-transport.js';
import { assertNoSecrets } from './secret-guard.js';

export type Handlers = {
  [C in InvokeChannel]: (...args: InvokeArgs<C>) => Promise<InvokeResponses[C]> | InvokeResponses[C];
};

export interface RegisterOptions {
  transport: IpcMainTransport;
  handlers: Handlers;
  /** True only for our own window at our own origin. */
  isTrustedSender: (sender: IpcSender) => boolean;
  /** Where refused and failed calls are reported (never with arguments: they may be anything). */
  log?: (line: string) => void;
}

export interface RegisteredIpc {
  /** Send an event to the renderer; payloads are checked for secrets first. */
  emit<C extends EventChannel>(channel: C, payload: EventPayloads[C]): void;
  dispose(): void;
}

/**
 * The only way main answers the renderer. Every call is checked in this order: trusted sender,
 * arguments against the contract's schema, then the handler; every outcome is an IpcResult with
 * an operator-readable message, and every response is checked for secret material.
 */
export function registerHandlers(options: RegisterOptions): RegisteredIpc {
  const { transport, handlers, isTrustedSender } = options;
  const log = options.log ?? ((line: string) => console.warn(line));
  const channels = Object.keys(invokeSchemas) as InvokeChannel[];

  for (const channel of channels) {
    transport.handle(channel, async (sender, args) => {
      if (!isTrustedSender(sender)) {
        log(`ipc: refused ${channel} from untrusted sender ${describeSender(sender)}`);
        return failure('FORBIDDEN', 'This window is not allowed to talk to the station.');
      }
      const parsed = invokeSchemas[channel].safeParse(args);
      if (!parsed.success) {
        log(`ipc: refused ${channel}: invalid arguments`);
        return failure('INVALID_ARGUMENT', describeInvalid(channel, parsed.error));
      }
      try {
        const handler = handlers[channel] as (...values: unknown[]) => unknown;
        const value = await handler(...(parsed.data as unknown[]));
        assertNoSecrets(value);
        return { ok: true, value } satisfies IpcResult<unknown>;
      } catch (error) {
        if (error instanceof StationError) return failure('FAILED', error.message);
        log(`ipc: ${channel} failed: ${error instanceof Error ? error.message : String(error)}`);
        return failure(
          'INTERNAL',
          'The station hit an unexpected problem and did not complete the action. Try again; if it repeats, restart the station and report it.',
        );
      }
    });
  }

  return {
    emit(channel, payload) {
      try {
        assertNoSecrets(payload);
      } catch (error) {
        log(`ipc: dropped ${channel} event: ${(error as Error).message}`);
        return;
      }
      transport.send(channel, payload);
    },
    dispose() {
      for (const channel of channels) transport.removeHandler(channel);
    },
  };
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
