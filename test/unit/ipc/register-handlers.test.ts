import { describe, expect, it } from 'vitest';
import type {
  IpcInvokeListener,
  IpcMainTransport,
  IpcSender,
} from '../../../src/main/core/ipc/ipc-transport.js';
import { registerHandlers, type Handlers } from '../../../src/main/core/ipc/register-handlers.js';
import { StationError } from '../../../src/main/core/station-error.js';
import type { IpcResult } from '../../../src/shared/ipc-result.js';
import type { SerialDeviceList } from '../../../src/shared/view-models.js';

/** An in-memory transport: what ipcMain would do, without Electron. */
class MemoryTransport implements IpcMainTransport {
  readonly handlers = new Map<string, IpcInvokeListener>();
  readonly sent: { channel: string; payload: unknown }[] = [];
  handle(channel: string, listener: IpcInvokeListener) {
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  send(channel: 'devices.changed', payload: unknown) {
    this.sent.push({ channel, payload });
  }
  call(channel: string, sender: IpcSender, ...args: unknown[]): Promise<IpcResult<unknown>> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler(sender, args) as Promise<IpcResult<unknown>>;
  }
}

const ours: IpcSender = { url: 'app://station/index.html', id: '1' };
const foreign: IpcSender = { url: 'https://evil.example/', id: '2' };
const emptyList: SerialDeviceList = {
  devices: [],
  configuredPatterns: [],
  fixedPatterns: [],
  watchMode: 'polling',
};

function setUp(overrides: Partial<Handlers> = {}) {
  const transport = new MemoryTransport();
  const log: string[] = [];
  const calls: unknown[][] = [];
  const handlers: Handlers = {
    'app.info': () => ({
      name: 'Provisioning Station',
      version: '1.2.3',
      platform: 'linux',
      arch: 'x64',
      runtime: { electron: null, chrome: null, node: '24' },
      profile: { name: 'Sandbox', kind: 'sandbox', region: 'us-east-1' },
    }),
    'devices.list': () => emptyList,
    'devices.configurePorts': (patterns) => {
      calls.push(patterns);
      return { ...emptyList, configuredPatterns: patterns };
    },
    ...overrides,
  };
  const ipc = registerHandlers({
    transport,
    handlers,
    isTrustedSender: (sender) => sender.url.startsWith('app://station/') && sender.id === '1',
    log: (line) => log.push(line),
  });
  return { transport, ipc, log, calls };
}

describe('registerHandlers', () => {
  it('registers exactly the contract channels', () => {
    const { transport } = setUp();
    expect([...transport.handlers.keys()].sort()).toEqual([
      'app.info',
      'devices.configurePorts',
      'devices.list',
    ]);
  });

  it('answers a trusted sender with the handler value', async () => {
    const { transport } = setUp();
    const result = await transport.call('app.info', ours);
    expect(result).toMatchObject({ ok: true, value: { version: '1.2.3' } });
  });

  it('refuses a foreign sender before running the handler', async () => {
    const { transport, calls, log } = setUp();
    const result = await transport.call('devices.configurePorts', foreign, ['/dev/ttyUSB0']);
    expect(result).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'This window is not allowed to talk to the station.' },
    });
    expect(calls).toHaveLength(0);
    expect(log.join('\n')).toContain('untrusted sender');
  });

  it('refuses invalid arguments with a readable message and never calls the handler', async () => {
    const { transport, calls } = setUp();
    const relative = await transport.call('devices.configurePorts', ours, ['ttyUSB0']);
    expect(relative).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(relative.ok ? '' : relative.error.message).toContain('must be absolute');

    const notAnArray = await transport.call('devices.configurePorts', ours, '/dev/ttyUSB0');
    expect(notAnArray).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });

    const extra = await transport.call('app.info', ours, 'unexpected');
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });

    const nul = await transport.call('devices.configurePorts', ours, ['/dev/tty\0USB0']);
    expect(nul).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(calls).toHaveLength(0);
  });

  it('passes valid arguments through after parsing (trimmed)', async () => {
    const { transport, calls } = setUp();
    const result = await transport.call('devices.configurePorts', ours, ['  /tmp/devices/*  ']);
    expect(result.ok).toBe(true);
    expect(calls).toEqual([['/tmp/devices/*']]);
  });

  it('turns a StationError into its operator message', async () => {
    const { transport } = setUp({
      'devices.list': () => {
        throw new StationError('The serial port list is unavailable. Reconnect the USB hub.');
      },
    });
    expect(await transport.call('devices.list', ours)).toEqual({
      ok: false,
      error: { code: 'FAILED', message: 'The serial port list is unavailable. Reconnect the USB hub.' },
    });
  });

  it('hides internals of unexpected errors from the renderer but logs them', async () => {
    const { transport, log } = setUp({
      'devices.list': () => {
        throw new TypeError('Cannot read properties of undefined (reading "path") at /src/secret/file.ts:12');
      },
    });
    const result = await transport.call('devices.list', ours);
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.error.message;
    expect(result.ok ? '' : result.error.code).toBe('INTERNAL');
    expect(message).not.toContain('Cannot read');
    expect(message).not.toContain('.ts');
    expect(log.join('\n')).toContain('Cannot read properties');
  });

  it('refuses to return secret-shaped values', async () => {
    const { transport } = setUp({
      'devices.list': () =>
        ({
          ...emptyList,
          configuredPatterns: ['-----BEGIN RSA PRIVATE KEY-----\nMIIE...'],
        }) as SerialDeviceList,
    });
    const result = await transport.call('devices.list', ours);
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('emits events, dropping any that carry secrets', () => {
    const { transport, ipc, log } = setUp();
    ipc.emit('devices.changed', { added: [], removed: ['/dev/ttyUSB0'], list: emptyList });
    ipc.emit('devices.changed', {
      added: [],
      removed: ['eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl'],
      list: emptyList,
    });
    expect(transport.sent).toHaveLength(1);
    expect(log.join('\n')).toContain('dropped devices.changed');
  });

  it('removes its handlers on dispose', () => {
    const { transport, ipc } = setUp();
    ipc.dispose();
    expect(transport.handlers.size).toBe(0);
  });
});
