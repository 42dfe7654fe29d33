import type {
  EventChannel,
  EventPayloads,
  InvokeArgs,
  InvokeChannel,
  InvokeResponses,
} from '../shared/ipc-contract.js';
import type { IpcResult } from '../shared/ipc-result.js';

/**
 * What a preload needs from its transport: Electron's ipcRenderer in the app, a WebSocket in the
 * test harness. Only this factory turns it into the API; nothing generic is ever exposed.
 */
export interface PreloadTransport {
  invoke(channel: InvokeChannel, args: unknown[]): Promise<unknown>;
  /** Subscribe to an event channel; returns the function that unsubscribes. */
  subscribe(channel: EventChannel, listener: (payload: unknown) => void): () => void;
}

type Invoker<C extends InvokeChannel> = (...args: InvokeArgs<C>) => Promise<IpcResult<InvokeResponses[C]>>;
type Subscriber<C extends EventChannel> = (listener: (payload: EventPayloads[C]) => void) => () => void;

/** window.station: named functions only. Each call resolves to a typed result, never throws. */
export interface StationApi {
  app: { info: Invoker<'app.info'> };
  devices: {
    list: Invoker<'devices.list'>;
    configurePorts: Invoker<'devices.configurePorts'>;
    onChanged: Subscriber<'devices.changed'>;
  };
}

export function createStationApi(transport: PreloadTransport): StationApi {
  const invoker =
    <C extends InvokeChannel>(channel: C): Invoker<C> =>
    async (...args) => {
      try {
        return (await transport.invoke(channel, args)) as IpcResult<InvokeResponses[C]>;
      } catch {
        return {
          ok: false,
          error: {
            code: 'INTERNAL',
            message: 'The station did not answer. Restart the station; if it happens again, report it.',
          },
        };
      }
    };
  const subscriber =
    <C extends EventChannel>(channel: C): Subscriber<C> =>
    (listener) =>
      transport.subscribe(channel, (payload) => listener(payload as EventPayloads[C]));

  return Object.freeze({
    app: Object.freeze({ info: invoker('app.info') }),
    devices: Object.freeze({
      list: invoker('devices.list'),
      configurePorts: invoker('devices.configurePorts'),
      onChanged: subscriber('devices.changed'),
    }),
  });
}
