import type { EventChannel } from '../../../shared/ipc-contract.js';

/** Who sent an IPC call, as the transport knows it. */
export interface IpcSender {
  /** The URL of the frame that sent the call (Electron: event.senderFrame.url). */
  url: string;
  /** Transport-specific identity (Electron: webContents id; harness: connection id). */
  id: string;
  /**
   * Whether the call came from the top frame of its page rather than an iframe inside it
   * (Electron: event.senderFrame is event.sender.mainFrame). Absent where the transport cannot tell.
   */
  mainFrame?: boolean;
}

export type IpcInvokeListener = (sender: IpcSender, args: unknown[]) => Promise<unknown>;

/**
 * The main side of IPC, independent of Electron: Electron's ipcMain + webContents in the app
 * (src/main/shell/electron-ipc-transport.ts), a WebSocket server in the test harness.
 */
export interface IpcMainTransport {
  handle(channel: string, listener: IpcInvokeListener): void;
  removeHandler(channel: string): void;
  /** Deliver an event to every trusted renderer. */
  send(channel: EventChannel, payload: unknown): void;
}
