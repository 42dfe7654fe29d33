import type { WebSocket } from 'ws';
import type { EventChannel } from '../../src/shared/ipc-contract.js';
import type {
  IpcInvokeListener,
  IpcMainTransport,
  IpcSender,
} from '../../src/main/core/ipc/ipc-transport.js';
import type { BridgeToServer, ServerToBridge } from './harness-protocol.js';

/** The harness's stand-in for ipcMain: the same IpcMainTransport, carried over WebSockets. */
export class WebSocketIpcTransport implements IpcMainTransport {
  private readonly handlers = new Map<string, IpcInvokeListener>();
  private readonly sockets = new Set<WebSocket>();

  attach(socket: WebSocket, sender: IpcSender): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('message', (data) => void this.onMessage(socket, sender, String(data)));
  }

  handle(channel: string, listener: IpcInvokeListener): void {
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  send(channel: EventChannel, payload: unknown): void {
    const message: ServerToBridge = { type: 'event', channel, payload };
    for (const socket of this.sockets) socket.send(JSON.stringify(message));
  }

  private async onMessage(socket: WebSocket, sender: IpcSender, text: string): Promise<void> {
    let request: BridgeToServer;
    try {
      request = JSON.parse(text) as BridgeToServer;
    } catch {
      socket.close(1003, 'not JSON');
      return;
    }
    const handler = this.handlers.get(request.channel);
    const result = handler
      ? await handler(sender, Array.isArray(request.args) ? request.args : [request.args])
      : {
          ok: false,
          error: { code: 'UNKNOWN_CHANNEL', message: `There is no station function ${request.channel}.` },
        };
    const reply: ServerToBridge = { type: 'result', id: request.id, result };
    socket.send(JSON.stringify(reply));
  }
}
