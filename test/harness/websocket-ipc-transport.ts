import { WebSocket } from 'ws';
import { z } from 'zod';
import type { EventChannel } from '../../src/shared/ipc-contract.js';
import type {
  IpcInvokeListener,
  IpcMainTransport,
  IpcSender,
} from '../../src/main/core/ipc/ipc-transport.js';
import type { BridgeToServer, ServerToBridge } from './harness-protocol.js';

/** What a bridge may send; anything else closes that socket and touches nothing else. */
const invokeMessage = z.strictObject({
  type: z.literal('invoke'),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  channel: z.string().min(1).max(100),
  args: z.array(z.unknown()).max(16),
});

/** The harness's stand-in for ipcMain: the same IpcMainTransport, carried over WebSockets. */
export class WebSocketIpcTransport implements IpcMainTransport {
  private readonly handlers = new Map<string, IpcInvokeListener>();
  private readonly sockets = new Set<WebSocket>();

  attach(socket: WebSocket, sender: IpcSender): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    // ws reports a broken peer (oversized frame, bad UTF-8, a reset) as 'error' once it is already
    // closing that socket with the right code; without a listener the error would stop the harness.
    socket.on('error', () => undefined);
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        socket.close(1003, 'text frames only');
        return;
      }
      this.onMessage(socket, sender, String(data)).catch(() => socket.close(1011, 'internal error'));
    });
  }

  handle(channel: string, listener: IpcInvokeListener): void {
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  send(channel: EventChannel, payload: unknown): void {
    const message: ServerToBridge = { type: 'event', channel, payload };
    const text = JSON.stringify(message);
    for (const socket of this.sockets) if (socket.readyState === WebSocket.OPEN) socket.send(text);
  }

  private async onMessage(socket: WebSocket, sender: IpcSender, text: string): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      socket.close(1003, 'not JSON');
      return;
    }
    const checked = invokeMessage.safeParse(parsed);
    if (!checked.success) {
      socket.close(1008, 'not a station call');
      return;
    }
    const request: BridgeToServer = checked.data;
    const handler = this.handlers.get(request.channel);
    let result: unknown;
    try {
      result = handler
        ? await handler(sender, request.args)
        : {
            ok: false,
            error: { code: 'UNKNOWN_CHANNEL', message: `There is no station function ${request.channel}.` },
          };
    } catch {
      // The handler registration answers every call itself; this is the last line, never a crash.
      result = { ok: false, error: { code: 'INTERNAL', message: 'The station could not answer that call.' } };
    }
    if (socket.readyState !== WebSocket.OPEN) return;
    const reply: ServerToBridge = { type: 'result', id: request.id, result };
    socket.send(JSON.stringify(reply));
  }
}
