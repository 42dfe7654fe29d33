import { createStationApi, type PreloadTransport } from '../../../src/preload/station-api.js';
import type { BridgeToServer, ServerToBridge } from '../harness-protocol.js';

/**
 * The test harness's preload: the same API factory as the Electron preload, over a WebSocket to
 * the harness server instead of ipcRenderer. Loaded as a classic script before the renderer.
 */
const socketUrl = new URL('./ipc', window.location.href);
socketUrl.protocol = 'ws:';
const socket = new WebSocket(socketUrl);
const opened = new Promise<void>((resolve, reject) => {
  socket.addEventListener('open', () => resolve(), { once: true });
  socket.addEventListener('error', () => reject(new Error('harness connection failed')), { once: true });
});

const pending = new Map<number, (result: unknown) => void>();
const listeners = new Map<string, Set<(payload: unknown) => void>>();
let nextId = 1;

socket.addEventListener('message', (event: MessageEvent<string>) => {
  const message = JSON.parse(event.data) as ServerToBridge;
  if (message.type === 'result') {
    pending.get(message.id)?.(message.result);
    pending.delete(message.id);
  } else {
    for (const listener of listeners.get(message.channel) ?? []) listener(message.payload);
  }
});

const transport: PreloadTransport = {
  async invoke(channel, args) {
    await opened;
    const id = nextId++;
    const request: BridgeToServer = { type: 'invoke', id, channel, args };
    return new Promise((resolve) => {
      pending.set(id, resolve);
      socket.send(JSON.stringify(request));
    });
  },
  subscribe(channel, listener) {
    const set = listeners.get(channel) ?? new Set();
    set.add(listener);
    listeners.set(channel, set);
    return () => set.delete(listener);
  },
};

Object.defineProperty(window, 'station', {
  value: createStationApi(transport),
  writable: false,
  configurable: false,
});
