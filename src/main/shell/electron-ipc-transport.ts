import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { EventChannel } from '../../shared/ipc-contract.js';
import type { IpcInvokeListener, IpcMainTransport } from '../core/ipc/ipc-transport.js';
import { ipcSenderOf } from './ipc-sender-check.js';

/** The only file in main that touches ipcMain: it adapts Electron IPC to the core's transport. */
export class ElectronIpcTransport implements IpcMainTransport {
  constructor(private readonly windows: () => BrowserWindow[]) {}

  handle(channel: string, listener: IpcInvokeListener): void {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, ...args: unknown[]) =>
      listener(ipcSenderOf(event), args),
    );
  }

  removeHandler(channel: string): void {
    ipcMain.removeHandler(channel);
  }

  send(channel: EventChannel, payload: unknown): void {
    for (const window of this.windows()) {
      if (!window.isDestroyed()) window.webContents.send(channel, payload);
    }
  }
}
