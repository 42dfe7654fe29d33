import type {
  EventChannel,
  EventPayloads,
  InvokeArgs,
  InvokeChannel,
  InvokeResponses,
} from '../../src/shared/ipc-contract.js';
import type { IpcResult } from '../../src/shared/ipc-result.js';
import type { RunView } from '../../src/shared/view-models.js';
import type {
  IpcInvokeListener,
  IpcMainTransport,
  IpcSender,
} from '../../src/main/core/ipc/ipc-transport.js';

/** One message main handed the transport for the renderer: an invoke's result or an event. */
export interface RecordedMessage {
  seq: number;
  kind: 'response' | 'event';
  channel: string;
  /** A structured clone taken when it was sent, as Electron's IPC would carry it. */
  payload: unknown;
}

/**
 * An in-process IpcMainTransport for tests: the test plays the renderer (every call comes from one
 * trusted sender) and every message main sends back — results and events alike — is recorded.
 */
export class RecordingIpcTransport implements IpcMainTransport {
  readonly sender: IpcSender = { url: 'app://station/index.html', id: 'recording-renderer' };
  readonly messages: RecordedMessage[] = [];
  private readonly handlers = new Map<string, IpcInvokeListener>();
  private readonly listeners = new Set<(message: RecordedMessage) => void>();

  handle(channel: string, listener: IpcInvokeListener): void {
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  send(channel: EventChannel, payload: unknown): void {
    this.record('event', channel, payload);
  }

  /** Calls a channel as the renderer's preload would and returns main's IpcResult. */
  invoke<C extends InvokeChannel>(
    channel: C,
    ...args: InvokeArgs<C>
  ): Promise<IpcResult<InvokeResponses[C]>> {
    return this.invokeRaw(channel, args) as Promise<IpcResult<InvokeResponses[C]>>;
  }

  /** Like invoke, with arguments the contract need not accept (the renderer is not trusted to be right). */
  async invokeRaw(channel: string, args: unknown[]): Promise<IpcResult<unknown>> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler is registered for ${channel}`);
    const result = (await handler(this.sender, args)) as IpcResult<unknown>;
    this.record('response', channel, result);
    return result;
  }

  /** invoke, unwrapped: the value, or an Error carrying main's code and message. */
  async call<C extends InvokeChannel>(channel: C, ...args: InvokeArgs<C>): Promise<InvokeResponses[C]> {
    const result = await this.invoke(channel, ...args);
    if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
    return result.value;
  }

  /** Every payload sent on an event channel so far, oldest first. */
  events<C extends EventChannel>(channel: C): EventPayloads[C][] {
    return this.messages
      .filter((message) => message.kind === 'event' && message.channel === channel)
      .map((message) => message.payload as EventPayloads[C]);
  }

  /** Resolves with the first event on `channel` (from now on) that satisfies `accept`. */
  nextEvent<C extends EventChannel>(
    channel: C,
    accept: (payload: EventPayloads[C]) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<EventPayloads[C]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no matching ${channel} event within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (message: RecordedMessage) => {
        if (message.kind !== 'event' || message.channel !== channel) return;
        const payload = message.payload as EventPayloads[C];
        if (!accept(payload)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(payload);
      };
      this.listeners.add(listener);
    });
  }

  private record(kind: RecordedMessage['kind'], channel: string, payload: unknown): void {
    let copy: unknown;
    try {
      copy = structuredClone(payload);
    } catch {
      // Electron would refuse to send it; the search still gets to look at what was attempted.
      copy = payload;
    }
    const message: RecordedMessage = { seq: this.messages.length + 1, kind, channel, payload: copy };
    this.messages.push(message);
    for (const listener of [...this.listeners]) listener(message);
  }
}

/** The latest view of each run, from every batch.changed event and batch.* response recorded so far. */
export function latestRunViews(transport: RecordingIpcTransport): Map<string, RunView> {
  const latest = new Map<string, RunView>();
  for (const message of transport.messages) {
    const views =
      message.kind === 'event' && message.channel === 'batch.changed'
        ? (message.payload as { runs: RunView[] }).runs
        : message.kind === 'response' && message.channel.startsWith('batch.')
          ? ((message.payload as { ok: boolean; value?: { runs?: RunView[] } }).value?.runs ?? [])
          : [];
    for (const view of views) latest.set(view.runId, view);
  }
  return latest;
}
