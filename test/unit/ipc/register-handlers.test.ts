import { beforeAll, describe, expect, it } from 'vitest';
import type {
  IpcInvokeListener,
  IpcMainTransport,
  IpcSender,
} from '../../../src/main/core/ipc/ipc-transport.js';
import { registerHandlers, type Handlers } from '../../../src/main/core/ipc/register-handlers.js';
import { StationError } from '../../../src/main/core/station-error.js';
import { invokeChannelNames } from '../../../src/shared/ipc-channels.js';
import type { IpcResult } from '../../../src/shared/ipc-result.js';
import type { EngineView, SerialDeviceList, SessionView } from '../../../src/shared/view-models.js';
import { makeSecretSamples, pemBody, type SecretSamples } from './secret-samples.js';

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
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
  call(channel: string, sender: IpcSender, ...args: unknown[]): Promise<IpcResult<unknown>> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler(sender, args) as Promise<IpcResult<unknown>>;
  }
}

let s: SecretSamples;
beforeAll(async () => {
  s = await makeSecretSamples();
});

const ours: IpcSender = { url: 'app://station/index.html', id: '1' };
const foreign: IpcSender = { url: 'https://evil.example/', id: '2' };
const emptyList: SerialDeviceList = {
  devices: [],
  configuredPatterns: [],
  fixedPatterns: [],
  watchMode: 'polling',
};
const port = {
  path: '/dev/ttyUSB0',
  source: 'system' as const,
  vendorId: '0403',
  productId: '6001',
  serialNumber: 'A50285BI',
  manufacturer: 'FTDI',
  location: '1-1.2',
};
const signedOut: SessionView = {
  status: 'signed-out',
  username: null,
  groups: [],
  mayProvision: false,
  reauthenticateBy: null,
  step: null,
  remembered: false,
  notice: null,
};
const engineWith = (parameters: Record<string, string>): EngineView => ({
  batch: {
    id: 'batch_1',
    label: 'Line 3 morning',
    templateName: 'StationTemplate',
    parameters,
    targetCount: null,
    bays: 1,
    status: 'running',
    operatorUsername: 'installer',
    createdAt: 1_767_000_000_000,
    finishedAt: null,
    counts: { done: 0, failed: 0, waiting: 0, active: 0, cancelled: 0 },
    devicesPerHour: null,
  },
  runs: [],
  bays: [],
});

function setUp(overrides: Partial<Record<keyof Handlers, (...args: never[]) => unknown>> = {}) {
  const transport = new MemoryTransport();
  const log: string[] = [];
  const calls: unknown[][] = [];
  const unused = () => {
    throw new Error('not used in this test');
  };
  const handlers = Object.fromEntries(
    invokeChannelNames.map((channel) => [channel, unused]),
  ) as unknown as Handlers;
  Object.assign(handlers, {
    'app.info': () => ({
      name: 'Provisioning Station',
      version: '1.2.3',
      platform: 'linux',
      arch: 'x64',
      runtime: { electron: null, chrome: null, node: '24' },
      profile: { name: 'Sandbox', kind: 'sandbox', region: 'us-east-1' },
    }),
    'devices.list': () => emptyList,
    'devices.configurePorts': (patterns: string[]) => {
      calls.push(patterns);
      return { ...emptyList, configuredPatterns: patterns };
    },
    ...overrides,
  });
  const ipc = registerHandlers({
    transport,
    handlers,
    isTrustedSender: (sender) => sender.url.startsWith('app://station/') && sender.id === '1',
    log: (line) => log.push(line),
  });
  return { transport, ipc, log, calls };
}

/** Every 24-character piece of a PEM body; none may reach the renderer or the log. */
function expectNoPieceOf(pem: string, text: string) {
  const body = pemBody(pem).replace(/\s/g, '');
  for (let at = 0; at + 24 <= body.length; at += 24) expect(text).not.toContain(body.slice(at, at + 24));
}

describe('registerHandlers: calls in', () => {
  it('registers exactly the contract channels', () => {
    const { transport } = setUp();
    expect([...transport.handlers.keys()].sort()).toEqual([...invokeChannelNames].sort());
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

  it('refuses a port glob that would walk the disk, saying what to use instead', async () => {
    const { transport, calls } = setUp();
    const result = await transport.call('devices.configurePorts', ours, ['/**']);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const message = result.ok ? '' : result.error.message;
    expect(message).toContain('"**" (every folder below) is not supported');
    expect(message).toContain('/dev/serial/by-id/*');
    expect(calls).toHaveLength(0);
  });

  it('passes valid arguments through after parsing (trimmed)', async () => {
    const { transport, calls } = setUp();
    const result = await transport.call('devices.configurePorts', ours, ['  /tmp/devices/*  ']);
    expect(result.ok).toBe(true);
    expect(calls).toEqual([['/tmp/devices/*']]);
  });
});

describe('registerHandlers: errors', () => {
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

  it('redacts a PEM inside a StationError message and keeps the rest readable', async () => {
    const { transport, log } = setUp({
      'devices.list': () => {
        throw new StationError(`AWS refused the claim certificate ${s.certificatePem} Ask your AWS admin.`);
      },
    });
    const result = await transport.call('devices.list', ours);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'FAILED',
        message: 'AWS refused the claim certificate [redacted certificate]  Ask your AWS admin.',
      },
    });
    expect(log.join('\n')).toContain('redacted secret-shaped text from a devices.list error message');
    expectNoPieceOf(s.certificatePem, log.join('\n'));
  });

  it.each([
    ['a key as one base64 string', () => s.rsaKeyDer.toString('base64')],
    ['a JWT', () => s.jwt],
    ['a secret-named pair', () => 'client_secret=abc123xyz'],
  ])('redacts %s inside a StationError message', async (_name, secret) => {
    const { transport } = setUp({
      'devices.list': () => {
        throw new StationError(`Sign-in failed (${secret()}). Try again.`);
      },
    });
    const result = await transport.call('devices.list', ours);
    const message = result.ok ? '' : result.error.message;
    expect(message).toMatch(/^Sign-in failed \(.*\[redacted.*\)\. Try again\.$/);
    expect(message).not.toContain(secret().slice(0, 24));
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

  it('keeps a PEM inside any other error out of the log', async () => {
    const { transport, log } = setUp({
      'devices.list': () => {
        throw new Error(`decoder failed on\n${s.rsaPkcs8Pem}`);
      },
    });
    const result = await transport.call('devices.list', ours);
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(log.join('\n')).toContain(
      'devices.list failed: Error: decoder failed on\\n[redacted private key]',
    );
    expectNoPieceOf(s.rsaPkcs8Pem, log.join('\n'));
    expect(JSON.stringify(result)).not.toContain('MII');
  });
});

describe('registerHandlers: the allow-list on the way out', () => {
  it('sends the schema output, a fresh copy of the declared fields', async () => {
    const value = { ...emptyList, devices: [port] };
    const { transport } = setUp({ 'devices.list': () => value });
    const result = await transport.call('devices.list', ours);
    expect(result).toEqual({ ok: true, value });
    expect(result.ok && result.value).not.toBe(value);
  });

  const refusals: [string, () => unknown, string][] = [
    [
      'an undeclared field',
      () => ({ ...emptyList, claimPrivateKey: 'x' }),
      'undeclared field(s) claimPrivateKey at $',
    ],
    [
      'a Buffer',
      () => ({ ...emptyList, devices: [{ ...port, serialNumber: s.rsaKeyDer }] }),
      'a Buffer at $.devices[0].serialNumber',
    ],
    [
      'a Uint8Array',
      () => ({ ...emptyList, fixedPatterns: [new Uint8Array(4)] }),
      'a Uint8Array at $.fixedPatterns[0]',
    ],
    [
      'an ArrayBuffer',
      () => ({ ...emptyList, fixedPatterns: [new ArrayBuffer(4)] }),
      'an ArrayBuffer at $.fixedPatterns[0]',
    ],
    [
      'a DataView',
      () => ({ ...emptyList, fixedPatterns: [new DataView(new ArrayBuffer(4))] }),
      'a DataView at $.fixedPatterns[0]',
    ],
    ['a Map', () => ({ ...emptyList, devices: new Map() }), 'a Map at $.devices'],
    ['a Set', () => ({ ...emptyList, devices: new Set() }), 'a Set at $.devices'],
    [
      'an Error object',
      () => ({ ...emptyList, devices: [new Error('x')] }),
      'an Error object at $.devices[0]',
    ],
    [
      'a class instance',
      () =>
        new (class Snapshot {
          devices = [];
        })(),
      'an instance of Snapshot at $',
    ],
    ['a function', () => ({ ...emptyList, watchMode: () => 'polling' }), 'a function at $.watchMode'],
    ['a symbol', () => ({ ...emptyList, watchMode: Symbol('polling') }), 'a symbol at $.watchMode'],
    [
      'a bigint',
      () => ({ ...emptyList, devices: [{ ...port, location: 10n }] }),
      'a bigint at $.devices[0].location',
    ],
    [
      'a certificate as one base64 string',
      () => ({ ...emptyList, fixedPatterns: [s.certificateDer.toString('base64').slice(0, 500)] }),
      'Long opaque strings',
    ],
    [
      'certificate DER as hex',
      () => ({
        ...emptyList,
        devices: [{ ...port, serialNumber: s.certificateDer.toString('hex').slice(0, 256) }],
      }),
      'Long opaque strings',
    ],
    [
      'a PEM',
      () => ({ ...emptyList, devices: [{ ...port, manufacturer: s.ed25519Pkcs8Pem }] }),
      'control characters',
    ],
    [
      'a PEM on one line',
      () => ({ ...emptyList, devices: [{ ...port, manufacturer: s.ed25519Pkcs8Pem.replace(/\n/g, ' ') }] }),
      'a private key at $.devices[0].manufacturer',
    ],
    ['a wrong type', () => ({ ...emptyList, watchMode: 'sometimes' }), 'at $.watchMode'],
    [
      'a getter that throws',
      () =>
        Object.defineProperty({ ...emptyList }, 'devices', {
          enumerable: true,
          get: () => {
            throw new Error('lazy load failed');
          },
        }),
      'checking it failed (Error: lazy load failed)',
    ],
    // The schema lets a 64-character string through; the secret guard sees it is a key.
    [
      'a short key DER as base64',
      () => ({ ...emptyList, devices: [{ ...port, serialNumber: s.ed25519KeyDer.toString('base64') }] }),
      'a DER data at $.devices[0].serialNumber',
    ],
  ];

  it.each(refusals)(
    'refuses a response holding %s, logging channel and path but not the value',
    async (_name, make, reason) => {
      const { transport, log } = setUp({ 'devices.list': make });
      const result = await transport.call('devices.list', ours);
      expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
      const lines = log.join('\n');
      expect(lines).toContain('ipc: refused to send the devices.list response:');
      expect(lines).toContain(reason);
      expect(lines).not.toContain('MII');
      expect(lines).not.toContain(s.ed25519KeyDer.toString('base64').slice(0, 24));
    },
  );

  it('refuses a secret-named template parameter (the secret guard behind the schema)', async () => {
    const { transport, log } = setUp({
      'batch.get': () => engineWith({ SerialNumber: 'SN-1', private_key: 'abc' }),
    });
    expect(await transport.call('batch.get', ours)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(log.join('\n')).toContain('a field named private_key at $.batch.parameters.private_key');
    const fine = setUp({ 'batch.get': () => engineWith({ SerialNumber: 'SN-1', BatchId: 'batch_1' }) });
    expect(await fine.transport.call('batch.get', ours)).toMatchObject({ ok: true });
  });

  it('lets the TOTP set-up key through on the session channels only where declared', async () => {
    const setup: SessionView = {
      ...signedOut,
      status: 'challenge',
      step: 'totp-setup',
      username: 'installer',
      totpSetup: {
        secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
        otpauthUri: 'otpauth://totp/Station:installer?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
      },
    };
    const { transport } = setUp({ 'session.get': () => setup });
    expect(await transport.call('session.get', ours)).toEqual({ ok: true, value: setup });
    const leaking = setUp({ 'session.get': () => ({ ...setup, notice: 'secret=JBSWY3DPEHPK3PXP' }) });
    expect(await leaking.transport.call('session.get', ours)).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
  });
});

describe('registerHandlers: events', () => {
  it('emits events that pass, dropping and logging any that do not', () => {
    const { transport, ipc, log } = setUp();
    ipc.emit('devices.changed', { added: [port], removed: ['/dev/ttyUSB1'], list: emptyList });
    ipc.emit('devices.changed', {
      added: [],
      removed: ['eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl'],
      list: emptyList,
    });
    ipc.emit('devices.changed', {
      added: [],
      removed: [],
      list: { ...emptyList, extra: 1 } as SerialDeviceList,
    });
    ipc.emit('devices.changed', {
      added: [{ ...port, serialNumber: Buffer.from('k') as unknown as string }],
      removed: [],
      list: emptyList,
    });
    expect(transport.sent).toEqual([
      { channel: 'devices.changed', payload: { added: [port], removed: ['/dev/ttyUSB1'], list: emptyList } },
    ]);
    expect(log).toEqual([
      'ipc: dropped a devices.changed event: a token at $.removed[0]',
      'ipc: dropped a devices.changed event: undeclared field(s) extra at $.list',
      'ipc: dropped a devices.changed event: a Buffer at $.added[0].serialNumber',
    ]);
  });

  it('removes its handlers on dispose', () => {
    const { transport, ipc } = setUp();
    ipc.dispose();
    expect(transport.handlers.size).toBe(0);
  });
});
