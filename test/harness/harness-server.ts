import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { build } from 'vite';
import { WebSocketServer } from 'ws';
import { contentTypeOf, resolveAppPath } from '../../src/main/core/app-protocol-path.js';
import { StationCore, type StationCoreOptions } from '../../src/main/core/station-core.js';
import { contentSecurityPolicy, forMetaTag } from '../../src/shared/content-security-policy.js';
import { WebSocketIpcTransport } from './websocket-ipc-transport.js';

const projectRoot = resolve(import.meta.dirname, '../..');
const builtRenderer = join(projectRoot, 'out/renderer');
/** The largest WebSocket message the harness reads; a larger one closes its socket (1009). */
export const maxMessageBytes = 1024 * 1024;

export interface HarnessOptions {
  port?: number;
  /** The built renderer to serve: out/renderer unless a test gives a folder of its own. */
  rendererDirectory?: string;
  core: Omit<StationCoreOptions, 'appName' | 'appVersion' | 'runtime'>;
}

export interface RunningHarness {
  /** The page to open; carries the random token that guards every request. */
  url: string;
  core: StationCore;
  stop(): Promise<void>;
}

/** Sent with every answer: nothing is sniffed, and the token in the URL goes to no cache or referrer. */
const baseHeaders: OutgoingHttpHeaders = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * Development and test only, never packaged: serves the built renderer on 127.0.0.1 with the
 * harness bridge in place of the Electron preload, and connects it to the real StationCore
 * through the real handler registration. Every request must name 127.0.0.1:<port> as its Host
 * (a DNS-rebound name reaches the same socket, but not the page) and carry the random token in
 * its path; the IPC socket also needs the page's Origin.
 */
export async function startHarness(options: HarnessOptions): Promise<RunningHarness> {
  const rendererDirectory = options.rendererDirectory ?? builtRenderer;
  if (!existsSync(join(rendererDirectory, 'index.html'))) {
    throw new Error(
      'The renderer is not built. Run `npm run build` first (npm run harness does it for you).',
    );
  }
  const bridgeScript = await buildBridge();
  const token = randomBytes(24).toString('base64url');
  const prefix = `/${token}/`;
  const packageJson = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as {
    productName: string;
    version: string;
  };

  const core = new StationCore({
    ...options.core,
    appName: packageJson.productName,
    appVersion: packageJson.version,
    runtime: { electron: null, chrome: null, node: process.versions.node },
  });
  const transport = new WebSocketIpcTransport();
  // Node's own answer to a missing Host is a 400; the harness refuses it like any other wrong Host.
  const server = createServer({ requireHostHeader: false }, (request, response) => {
    void serve(request, response);
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });

  // All set once the server listens; until then no Host matches and nothing is served.
  let host = '';
  let origin = '';
  let pagePolicy = '';
  let pageHeaders: OutgoingHttpHeaders = {};
  const pageUrl = () => `${origin}${prefix}index.html`;

  core.connect(transport, (sender) => sender.url.startsWith(`${origin}${prefix}`));
  await core.start();

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node leaves an upgraded socket without an error listener: a peer's reset must not crash us.
    socket.on('error', () => socket.destroy());
    if (!fromOurHost(request, host)) {
      refuseUpgrade(socket, 421, 'Misdirected Request');
      return;
    }
    // The browser sends its page's origin; a page from anywhere else, or without the token, is refused.
    if (request.url !== `${prefix}ipc` || request.headers.origin !== origin) {
      refuseUpgrade(socket, 403, 'Forbidden');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      transport.attach(ws, { url: pageUrl(), id: `ws-${String(request.socket.remotePort)}` });
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      await answer(request, response);
    } catch {
      // A file that vanished mid-read or a client gone mid-answer: that request fails, nothing else.
      if (!response.headersSent) empty(response, 500, baseHeaders);
      else response.destroy();
    }
  }

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!fromOurHost(request, host)) {
      empty(response, 421, { ...baseHeaders, connection: 'close' });
      return;
    }
    const path = request.url ?? '/';
    // Outside the token nothing is said, not even the page's policy (it names the token).
    if (!path.startsWith(prefix)) {
      empty(response, 404, baseHeaders);
      return;
    }
    if (request.method !== 'GET') {
      empty(response, 405, pageHeaders);
      return;
    }
    const inner = path.slice(prefix.length - 1);
    if (inner === '/harness-bridge.js') {
      full(response, 'text/javascript; charset=utf-8', bridgeScript);
      return;
    }
    const resolved = resolveAppPath(rendererDirectory, `app://station${inner}`);
    if (!resolved.ok) {
      empty(response, resolved.status, pageHeaders);
      return;
    }
    let body: Buffer | string;
    try {
      body = await readFile(resolved.filePath);
    } catch {
      empty(response, 404, pageHeaders);
      return;
    }
    if (resolved.filePath.endsWith('index.html')) {
      body = injectBridge(body.toString('utf8'), forMetaTag(pagePolicy));
    }
    full(response, contentTypeOf(resolved.filePath), body);
  }

  function full(response: ServerResponse, contentType: string, body: Buffer | string): void {
    response
      .writeHead(200, {
        ...pageHeaders,
        'content-type': contentType,
        'content-length': String(Buffer.byteLength(body)),
      })
      .end(body);
  }

  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  host = `127.0.0.1:${String(port)}`;
  origin = `http://${host}`;
  pagePolicy = harnessContentSecurityPolicy(`ws://${host}${prefix}ipc`);
  pageHeaders = { ...baseHeaders, 'content-security-policy': pagePolicy };

  return {
    url: pageUrl(),
    core,
    async stop() {
      await core.stop();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** Exactly one Host header, naming the address the harness hands out (never localhost or a DNS name). */
function fromOurHost(request: IncomingMessage, host: string): boolean {
  let hosts = 0;
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    if (request.rawHeaders[index]?.toLowerCase() === 'host') hosts++;
  }
  return host !== '' && hosts === 1 && request.headers.host === host;
}

/** A status with no body at all: a refusal explains nothing. */
function empty(response: ServerResponse, status: number, headers: OutgoingHttpHeaders): void {
  response.writeHead(status, { ...headers, 'content-length': '0' }).end();
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${String(status)} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * The app's policy, except that the page may open the one harness socket: the Electron app talks
 * over IPC and needs no connect-src, the harness page talks over this WebSocket.
 */
function harnessContentSecurityPolicy(socketUrl: string): string {
  const policy = contentSecurityPolicy.replace("connect-src 'none'", `connect-src ${socketUrl}`);
  if (policy === contentSecurityPolicy) throw new Error("The app's CSP has no connect-src 'none' to adapt");
  return policy;
}

/** The page gets the bridge as its preload; its meta policy is the one the header sends. */
function injectBridge(html: string, policy: string): string {
  const withCsp = html.replace(/content="default-src[^"]*"/, `content="${policy}"`);
  if (withCsp === html) throw new Error('index.html has no Content-Security-Policy meta tag to adapt');
  return withCsp.replace('<head>', '<head>\n    <script src="./harness-bridge.js"></script>');
}

/** Bundles the bridge in memory: nothing is written, so harnesses started side by side never race. */
async function buildBridge(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      write: false,
      minify: false,
      lib: {
        entry: join(import.meta.dirname, 'browser/harness-bridge.ts'),
        formats: ['iife'],
        name: 'stationHarnessBridge',
        fileName: () => 'harness-bridge.js',
      },
    },
  });
  for (const result of Array.isArray(output) ? output : [output]) {
    if (!('output' in result)) continue;
    const chunk = result.output.find(
      (item) => item.type === 'chunk' && item.fileName === 'harness-bridge.js',
    );
    if (chunk?.type === 'chunk') return chunk.code;
  }
  throw new Error('The harness bridge did not build');
}
