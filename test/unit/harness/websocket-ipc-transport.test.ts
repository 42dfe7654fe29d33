import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { WebSocketIpcTransport } from '../../harness/websocket-ipc-transport.js';

let server: Server | undefined;
let sockets: WebSocketServer | undefined;

afterEach(async () => {
  // A failed test may leave its client open; the next test must not wait for it.
  for (const client of sockets?.clients ?? []) client.terminate();
  sockets?.close();
  server?.closeAllConnections();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  server = undefined;
  sockets = undefined;
});

/** A real WebSocket server on loopback with the transport attached, answering one channel. */
async function start(): Promise<{ url: string; calls: unknown[][] }> {
  const transport = new WebSocketIpcTransport();
  const calls: unknown[][] = [];
  transport.handle('app.info', (_sender, args) => {
    calls.push(args);
    return Promise.resolve({ ok: true, value: 'answered' });
  });
  transport.handle('devices.list', () => Promise.reject(new Error('boom')));
  // Not JSON-serialisable: the reply itself fails to encode.
  transport.handle('batch.get', () => Promise.resolve({ ok: true, value: 1n }));
  server = createServer();
  sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket) => transport.attach(socket, { url: 'http://127.0.0.1/', id: 'test' }));
  await new Promise<void>((done) => server?.listen(0, '127.0.0.1', () => done()));
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, calls };
}

function connect(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function closeCode(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

function reply(socket: WebSocket): Promise<unknown> {
  return new Promise((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
}

describe('the harness WebSocket transport', () => {
  it.each([
    ['JSON null', 'null'],
    ['a number', '42'],
    ['an array', '[1,2,3]'],
    ['no channel', '{"type":"invoke","id":1,"args":[]}'],
    ['args not a list', '{"type":"invoke","id":1,"channel":"app.info","args":{"a":1}}'],
    ['a negative id', '{"type":"invoke","id":-1,"channel":"app.info","args":[]}'],
    ['an extra key', '{"type":"invoke","id":1,"channel":"app.info","args":[],"x":1}'],
  ])('closes a socket that sends %s, and keeps serving others', async (_what, message) => {
    const { url, calls } = await start();
    const bad = await connect(url);
    const closed = closeCode(bad);
    bad.send(message);
    expect(await closed).toBe(1008);
    expect(calls).toEqual([]);

    const good = await connect(url);
    const answer = reply(good);
    good.send(JSON.stringify({ type: 'invoke', id: 7, channel: 'app.info', args: [] }));
    expect(await answer).toEqual({ type: 'result', id: 7, result: { ok: true, value: 'answered' } });
    good.close();
  });

  it('closes a socket that sends text that is not JSON', async () => {
    const { url } = await start();
    const bad = await connect(url);
    const closed = closeCode(bad);
    bad.send('{not json');
    expect(await closed).toBe(1003);
  });

  it('closes a socket that sends a binary frame, and keeps serving others', async () => {
    const { url, calls } = await start();
    const bad = await connect(url);
    const closed = closeCode(bad);
    bad.send(Buffer.from(JSON.stringify({ type: 'invoke', id: 1, channel: 'app.info', args: [] })));
    expect(await closed).toBe(1003);
    expect(calls).toEqual([]);
  });

  it('closes the socket whose reply cannot be encoded, without an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const { url } = await start();
      const socket = await connect(url);
      const closed = closeCode(socket);
      socket.send(JSON.stringify({ type: 'invoke', id: 5, channel: 'batch.get', args: [] }));
      expect(await closed).toBe(1011);
      await new Promise((done) => setTimeout(done, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  }, 5_000);

  it('answers a handler that throws with an error result instead of crashing', async () => {
    const { url } = await start();
    const socket = await connect(url);
    const answer = reply(socket);
    socket.send(JSON.stringify({ type: 'invoke', id: 3, channel: 'devices.list', args: [] }));
    expect(await answer).toMatchObject({
      type: 'result',
      id: 3,
      result: { ok: false, error: { code: 'INTERNAL' } },
    });
    socket.close();
  });

  it('answers an unknown channel as such', async () => {
    const { url } = await start();
    const socket = await connect(url);
    const answer = reply(socket);
    socket.send(JSON.stringify({ type: 'invoke', id: 4, channel: 'nope', args: [] }));
    expect(await answer).toMatchObject({ id: 4, result: { ok: false, error: { code: 'UNKNOWN_CHANNEL' } } });
    socket.close();
  });
});
