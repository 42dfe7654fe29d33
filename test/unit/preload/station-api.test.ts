import { describe, expect, it } from 'vitest';
import { createStationApi, type PreloadTransport } from '../../../src/preload/station-api.js';
import { eventChannelNames, invokeChannelNames } from '../../../src/shared/ipc-channels.js';

describe('createStationApi', () => {
  it('exposes named functions only, frozen', () => {
    const api = createStationApi({ invoke: async () => null, subscribe: () => () => undefined });
    expect(Object.keys(api).sort()).toEqual([
      'app',
      'batch',
      'bays',
      'devices',
      'diagnostics',
      'health',
      'history',
      'logs',
      'profile',
      'runs',
      'session',
      'templates',
    ]);
    expect(Object.keys(api.devices).sort()).toEqual(['configurePorts', 'list', 'onChanged']);
    expect(Object.isFrozen(api)).toBe(true);
    for (const group of Object.values(api)) {
      expect(Object.isFrozen(group)).toBe(true);
      for (const member of Object.values(group)) expect(typeof member).toBe('function');
    }
    expect('invoke' in api).toBe(false);
  });

  it('names every channel of the contract exactly once, and no other', async () => {
    const invoked: string[] = [];
    const subscribed: string[] = [];
    const api = createStationApi({
      invoke: async (channel) => {
        invoked.push(channel);
        return { ok: true, value: null };
      },
      subscribe: (channel) => {
        subscribed.push(channel);
        return () => undefined;
      },
    });
    for (const group of Object.values(api) as Record<string, (...args: never[]) => unknown>[]) {
      for (const [name, member] of Object.entries(group)) {
        if (name.startsWith('on')) member(...([() => undefined] as never[]));
        else await member();
      }
    }
    expect(invoked.sort()).toEqual([...invokeChannelNames].sort());
    expect(subscribed.sort()).toEqual([...eventChannelNames].sort());
  });

  it('sends each call on its own channel with its arguments', async () => {
    const sent: { channel: string; args: unknown[] }[] = [];
    const api = createStationApi({
      invoke: async (channel, args) => {
        sent.push({ channel, args });
        return { ok: true, value: 'answer' };
      },
      subscribe: () => () => undefined,
    });
    expect(await api.devices.configurePorts(['/dev/ttyACM0'])).toEqual({ ok: true, value: 'answer' });
    expect(sent).toEqual([{ channel: 'devices.configurePorts', args: [['/dev/ttyACM0']] }]);
  });

  it('turns a broken transport into a typed error instead of a throw', async () => {
    const api = createStationApi({
      invoke: async () => {
        throw new Error('Error invoking remote method: no handler');
      },
      subscribe: () => () => undefined,
    });
    const result = await api.app.info();
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error.code).toBe('INTERNAL');
  });

  it('subscriptions return an unsubscribe that stops delivery', () => {
    const listeners = new Set<(payload: unknown) => void>();
    const transport: PreloadTransport = {
      invoke: async () => null,
      subscribe: (_channel, listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const api = createStationApi(transport);
    const seen: unknown[] = [];
    const unsubscribe = api.devices.onChanged((change) => seen.push(change));
    for (const listener of listeners) listener({ n: 1 });
    unsubscribe();
    for (const listener of listeners) listener({ n: 2 });
    expect(seen).toEqual([{ n: 1 }]);
  });
});
