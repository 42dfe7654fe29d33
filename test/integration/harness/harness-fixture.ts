import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WebSocket } from 'ws';
import { startHarness, type RunningHarness } from '../../harness/harness-server.js';

const projectRoot = resolve(import.meta.dirname, '../../..');

export interface HarnessFixture {
  harness: RunningHarness;
  /** e.g. 127.0.0.1:41234 */
  host: string;
  port: number;
  origin: string;
  /** The path prefix with the token, e.g. /abc.../ */
  prefix: string;
  /** What the core logged (refused calls and the like), instead of the test output. */
  log: string[];
  stop(): Promise<void>;
}

/**
 * A real harness on port 0 with the real core, serving a stand-in renderer: the project's own
 * index.html (its real CSP meta tag) pointing at one small script. The server's behaviour does not
 * depend on what the renderer bundle holds, and unit tests must not need `npm run build`.
 */
export async function startHarnessFixture(): Promise<HarnessFixture> {
  const directory = await mkdtemp(join(tmpdir(), 'harness-test-'));
  const rendererDirectory = join(directory, 'renderer');
  await mkdir(join(rendererDirectory, 'assets'), { recursive: true });
  const sourceHtml = await readFile(join(projectRoot, 'src/renderer/index.html'), 'utf8');
  const html = sourceHtml.replace('./src/main.tsx', './assets/app.js');
  if (html === sourceHtml) throw new Error('src/renderer/index.html no longer loads ./src/main.tsx');
  await writeFile(join(rendererDirectory, 'index.html'), html);
  await writeFile(join(rendererDirectory, 'assets/app.js'), "document.title = 'stand-in';\n");

  const log: string[] = [];
  const dataDirectory = join(directory, 'data');
  await mkdir(dataDirectory);
  let harness: RunningHarness;
  try {
    harness = await startHarness({
      rendererDirectory,
      core: {
        dataDirectory,
        secretStorage: null,
        listSystemPorts: () => Promise.resolve([]),
        useUsbHotplug: false,
        pollIntervalMs: 60_000,
        log: (line) => log.push(line),
      },
    });
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const url = new URL(harness.url);
  return {
    harness,
    host: url.host,
    port: Number(url.port),
    origin: url.origin,
    prefix: url.pathname.replace(/index\.html$/, ''),
    log,
    async stop() {
      await harness.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
  /** Everything the server wrote, for a failing assertion's message. */
  text: string;
}

/**
 * Writes `request` as is on a fresh TCP connection and reads until the server closes it, or until
 * an accepted handshake's head, or a second at most (a refused request must not be left hanging:
 * the truncated answer shows it).
 */
export function rawRequest(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolveResponse, reject) => {
    const socket = connectTcp(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), 1000);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // An accepted handshake keeps the connection open: its head is all there is to read.
      const soFar = Buffer.concat(chunks).toString('latin1');
      if (soFar.startsWith('HTTP/1.1 101 ') && soFar.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split >= 0 ? text.slice(0, split) : text;
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = new Map<string, string>();
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      resolveResponse({
        status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0),
        headers,
        body: decodeBody(headers, split >= 0 ? text.slice(split + 4) : ''),
        text,
      });
    });
    socket.write(request);
  });
}

/** The body as sent, with chunked framing undone (a refusal's empty chunked body is '' too). */
function decodeBody(headers: Map<string, string>, raw: string): string {
  if (headers.get('transfer-encoding') !== 'chunked') return raw;
  let body = '';
  let rest = raw;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (lineEnd < 0 || !Number.isInteger(size) || size === 0) return body;
    body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

/** A GET with exactly these header lines (none added), closing the connection after the answer. */
export function rawGet(port: number, path: string, headerLines: string[]): Promise<RawResponse> {
  return rawRequest(port, [`GET ${path} HTTP/1.1`, ...headerLines, 'Connection: close', '', ''].join('\r\n'));
}

/** The header lines of a WebSocket handshake, without Host or Origin. */
export const upgradeHeaderLines = [
  'Upgrade: websocket',
  'Connection: Upgrade',
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
  'Sec-WebSocket-Version: 13',
];

/** A raw WebSocket handshake with these extra header lines; the answer's status says what happened. */
export function rawUpgrade(port: number, path: string, headerLines: string[]): Promise<RawResponse> {
  return rawRequest(
    port,
    [`GET ${path} HTTP/1.1`, ...upgradeHeaderLines, ...headerLines, '', ''].join('\r\n'),
  );
}

/** Opens a ws client with the page's Origin, as the harness bridge does. */
export function openSocket(fixture: HarnessFixture): Promise<WebSocket> {
  const socket = new WebSocket(`ws://${fixture.host}${fixture.prefix}ipc`, { origin: fixture.origin });
  return new Promise((resolveOpen, reject) => {
    socket.once('open', () => resolveOpen(socket));
    socket.once('error', reject);
  });
}

/** Sends one invoke and waits for the result with its id (events in between are skipped). */
export function call(socket: WebSocket, id: number, channel: string, args: unknown[] = []): Promise<unknown> {
  return new Promise((resolveReply, reject) => {
    const onMessage = (data: unknown) => {
      const message = JSON.parse(String(data)) as { type: string; id?: number; result?: unknown };
      if (message.type !== 'result' || message.id !== id) return;
      socket.off('message', onMessage);
      socket.off('close', onClose);
      resolveReply(message.result);
    };
    const onClose = (code: number) => {
      socket.off('message', onMessage);
      reject(new Error(`socket closed with ${String(code)} before answering call ${String(id)}`));
    };
    socket.on('message', onMessage);
    socket.once('close', onClose);
    socket.send(JSON.stringify({ type: 'invoke', id, channel, args }));
  });
}
