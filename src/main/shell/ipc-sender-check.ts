import { isAppUrl } from '../core/app-protocol-path.js';
import type { IpcSender } from '../core/ipc/ipc-transport.js';

/** The parts of Electron's WebFrameMain the check reads. */
export interface IpcFrame {
  readonly url: string;
  readonly processId: number;
  readonly routingId: number;
}

/** The parts of Electron's IpcMainInvokeEvent the check reads. */
export interface IpcInvokeEventLike {
  readonly sender: { readonly id: number; readonly mainFrame: IpcFrame };
  /** Null once the frame navigated away or was destroyed. */
  readonly senderFrame: IpcFrame | null;
}

/** What the core is told about the sender of an Electron IPC call. */
export function ipcSenderOf(event: IpcInvokeEventLike): IpcSender {
  const frame = event.senderFrame;
  return {
    url: frame?.url ?? '',
    id: String(event.sender.id),
    mainFrame: frame !== null && isSameFrame(frame, event.sender.mainFrame),
  };
}

/**
 * The shell trusts only the main frame of its own window, showing our app:// page. An iframe, even
 * one at our origin, another window's contents and a frame that is gone are refused.
 */
export function isOurWindowSender(sender: IpcSender, windowContentsId: number | undefined): boolean {
  return (
    sender.mainFrame === true &&
    windowContentsId !== undefined &&
    sender.id === String(windowContentsId) &&
    isAppUrl(sender.url)
  );
}

function isSameFrame(frame: IpcFrame, mainFrame: IpcFrame): boolean {
  // Electron hands out one WebFrameMain object per frame, so identity is the check; the ids name the
  // same frame should a future Electron wrap it anew.
  return (
    frame === mainFrame ||
    (frame.processId === mainFrame.processId && frame.routingId === mainFrame.routingId)
  );
}
