import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isEventChannel } from '../shared/ipc-channels.js';
import { createStationApi } from './station-api.js';

/**
 * The Electron preload: the only file on the renderer side that touches ipcRenderer. It is never
 * exposed itself; the page gets the named functions of the API factory.
 */
const api = createStationApi({
  invoke: (channel, args) => ipcRenderer.invoke(channel, ...args),
  subscribe: (channel, listener) => {
    if (!isEventChannel(channel)) throw new Error(`Unknown event channel ${channel}`);
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
});

contextBridge.exposeInMainWorld('station', api);
