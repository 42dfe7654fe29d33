import { describe, expect, it } from 'vitest';
import {
  ipcSenderOf,
  isOurWindowSender,
  type IpcFrame,
  type IpcInvokeEventLike,
} from '../../../src/main/shell/ipc-sender-check.js';

const ourWindow = 7;
const page = 'app://station/index.html';

function frame(url: string, routingId: number, processId = 3): IpcFrame {
  return { url, processId, routingId };
}

function eventFrom(options: { contentsId?: number; mainFrame: IpcFrame; senderFrame: IpcFrame | null }) {
  const event: IpcInvokeEventLike = {
    sender: { id: options.contentsId ?? ourWindow, mainFrame: options.mainFrame },
    senderFrame: options.senderFrame,
  };
  return event;
}

const trusted = (event: IpcInvokeEventLike) => isOurWindowSender(ipcSenderOf(event), ourWindow);

describe('the shell IPC sender check', () => {
  it('trusts the main frame of our window at app://station', () => {
    const main = frame(page, 1);
    expect(trusted(eventFrom({ mainFrame: main, senderFrame: main }))).toBe(true);
    // The same frame wrapped anew (same process and routing id) is still the main frame.
    expect(trusted(eventFrom({ mainFrame: main, senderFrame: frame(page, 1) }))).toBe(true);
  });

  it('refuses an iframe inside our page, even one at our own origin', () => {
    const main = frame(page, 1);
    expect(trusted(eventFrom({ mainFrame: main, senderFrame: frame(page, 2) }))).toBe(false);
    expect(trusted(eventFrom({ mainFrame: main, senderFrame: frame(page, 1, 4) }))).toBe(false);
    expect(ipcSenderOf(eventFrom({ mainFrame: main, senderFrame: frame(page, 2) }))).toEqual({
      url: page,
      id: '7',
      mainFrame: false,
    });
  });

  it('refuses a frame that is gone, another window and another origin', () => {
    const main = frame(page, 1);
    expect(trusted(eventFrom({ mainFrame: main, senderFrame: null }))).toBe(false);
    expect(trusted(eventFrom({ contentsId: 8, mainFrame: main, senderFrame: main }))).toBe(false);
    for (const url of ['https://example.com/', 'app://station.evil/index.html', 'file:///index.html', '']) {
      const other = frame(url, 1);
      expect(trusted(eventFrom({ mainFrame: other, senderFrame: other })), url).toBe(false);
    }
  });

  it('refuses everyone before the window exists', () => {
    const main = frame(page, 1);
    expect(isOurWindowSender(ipcSenderOf(eventFrom({ mainFrame: main, senderFrame: main })), undefined)).toBe(
      false,
    );
  });
});
