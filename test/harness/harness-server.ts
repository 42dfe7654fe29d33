import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { WebSocketServer } from 'ws';
import { contentTypeOf, resolveAppPath } from '../../src/main/core/app-protocol-path.js';
import { StationCore, type StationCoreOptions } from '../../src/main/core/station-core.js';
import { contentSecurityPolicy } from '../../src/shared/content-security-policy.js';
import { WebSocketIpcTransport } from './websocket-ipc-transport.js';

const projectRoot = resolve(import.meta.dirname, '../..');
const rendererDirectory = join(projectRoot, 'out/renderer');
const bridgeDirectory = join(projectRoot, 'out/harness');

export interface HarnessOptions {
  port?: number;
  core: Omit<StationCoreOptions, 'appName' | 'appVersion' | 'runtime'>;
}

export interface RunningHarness {
  /** The page to open; carries the random token that guards every request. */
  url: string;
  core: StationCore;
  stop(): Promise<void>;
}

/**
 * Development and test only, never packaged: serves the built renderer on 127.0.0.1 with the
 * harness bridge in place of the Electron preload, and connects it to the real StationCore
 * through the real handler registration. Every request must carry the random token in its path.
 */
export async function startHarness(options: HarnessOptions): Promise<RunningHarness> {
  if (!existsSync(join(rendererDirectory, 'index.html'))) {
    throw new Error(
      'The renderer is not built. Run `npm run build` first (npm run harness does it for you).',
    );
  }
  await buildBridge();
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
  const server = createServer((request, response) => void serve(request, response));
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  let origin = '';
  const pageUrl = () => `${origin}${prefix}index.html`;

  core.connect(transport, (sender) => sender.url.startsWith(`${origin}${prefix}`));
  await core.start();

  server.on('upgrade', (request, socket, head) => {
    // The browser sends its page's origin; a page from anywhere else, or without the token, is refused.
    if (request.url !== `${prefix}ipc` || request.headers.origin !== origin) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      transport.attach(ws, { url: pageUrl(), id: `ws-${String(request.socket.remotePort)}` });
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = request.url ?? '/';
    if (request.method !== 'GET' || !path.startsWith(prefix)) {
      response.writeHead(404).end();
      return;
    }
    const inner = path.slice(prefix.length - 1);
    if (inner === '/harness-bridge.js') {
      const body = await readFile(join(bridgeDirectory, 'harness-bridge.js'));
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(body);
      return;
    }
    const resolved = resolveAppPath(rendererDirectory, `app://station${inner}`);
    if (!resolved.ok) {
      response.writeHead(resolved.status).end();
      return;
    }
    try {
      let body: Buffer | string = await readFile(resolved.filePath);
      if (resolved.filePath.endsWith('index.html')) body = injectBridge(body.toString('utf8'), origin);
      response.writeHead(200, { 'content-type': contentTypeOf(resolved.filePath) }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  }

  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

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

/** The page gets the bridge as its preload, and its CSP allows exactly the harness socket. */
function injectBridge(html: string, origin: string): string {
  const socketOrigin = origin.replace(/^http/, 'ws');
  const csp = contentSecurityPolicy.replace("connect-src 'none'", `connect-src ${socketOrigin}`);
  const withCsp = html.replace(/content="default-src[^"]*"/, `content="${csp}"`);
  if (withCsp === html) throw new Error('index.html has no Content-Security-Policy meta tag to adapt');
  return withCsp.replace('<head>', '<head>\n    <script src="./harness-bridge.js"></script>');
}

async function buildBridge(): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: bridgeDirectory,
      emptyOutDir: true,
      minify: false,
      lib: {
        entry: join(import.meta.dirname, 'browser/harness-bridge.ts'),
        formats: ['iife'],
        name: 'stationHarnessBridge',
        fileName: () => 'harness-bridge.js',
      },
    },
  });
}
