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
  profile: { get: Invoker<'profile.get'>; use: Invoker<'profile.use'> };
  session: {
    get: Invoker<'session.get'>;
    signIn: Invoker<'session.signIn'>;
    answer: Invoker<'session.answer'>;
    signOut: Invoker<'session.signOut'>;
    onChanged: Subscriber<'session.changed'>;
  };
  templates: { list: Invoker<'templates.list'>; describe: Invoker<'templates.describe'> };
  batch: {
    get: Invoker<'batch.get'>;
    start: Invoker<'batch.start'>;
    pause: Invoker<'batch.pause'>;
    resume: Invoker<'batch.resume'>;
    cancel: Invoker<'batch.cancel'>;
    finish: Invoker<'batch.finish'>;
    onChanged: Subscriber<'batch.changed'>;
  };
  bays: { probe: Invoker<'bays.probe'> };
  runs: {
    retry: Invoker<'runs.retry'>;
    cancel: Invoker<'runs.cancel'>;
    confirmReprovision: Invoker<'runs.confirmReprovision'>;
    detail: Invoker<'runs.detail'>;
  };
  history: {
    batches: Invoker<'history.batches'>;
    audit: Invoker<'history.audit'>;
    export: Invoker<'history.export'>;
  };
  health: { check: Invoker<'health.check'>; report: Invoker<'health.report'> };
  logs: { folder: Invoker<'logs.folder'>; openFolder: Invoker<'logs.openFolder'> };
  diagnostics: { report: Invoker<'diagnostics.report'> };
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
    profile: Object.freeze({ get: invoker('profile.get'), use: invoker('profile.use') }),
    session: Object.freeze({
      get: invoker('session.get'),
      signIn: invoker('session.signIn'),
      answer: invoker('session.answer'),
      signOut: invoker('session.signOut'),
      onChanged: subscriber('session.changed'),
    }),
    templates: Object.freeze({ list: invoker('templates.list'), describe: invoker('templates.describe') }),
    batch: Object.freeze({
      get: invoker('batch.get'),
      start: invoker('batch.start'),
      pause: invoker('batch.pause'),
      resume: invoker('batch.resume'),
      cancel: invoker('batch.cancel'),
      finish: invoker('batch.finish'),
      onChanged: subscriber('batch.changed'),
    }),
    bays: Object.freeze({ probe: invoker('bays.probe') }),
    runs: Object.freeze({
      retry: invoker('runs.retry'),
      cancel: invoker('runs.cancel'),
      confirmReprovision: invoker('runs.confirmReprovision'),
      detail: invoker('runs.detail'),
    }),
    history: Object.freeze({
      batches: invoker('history.batches'),
      audit: invoker('history.audit'),
      export: invoker('history.export'),
    }),
    health: Object.freeze({ check: invoker('health.check'), report: invoker('health.report') }),
    logs: Object.freeze({ folder: invoker('logs.folder'), openFolder: invoker('logs.openFolder') }),
    diagnostics: Object.freeze({ report: invoker('diagnostics.report') }),
  });
}
