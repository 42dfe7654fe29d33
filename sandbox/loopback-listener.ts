import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackListener {
  /** `http://{host}:{port}`, what SDK clients use as their endpoint. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves one of the sandbox's HTTP services (Cognito, the IoT control plane) on loopback, at a random
 * free port unless one is given.
 */
export async function listenOnLoopback(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  options: { host?: string; port?: number } = {},
): Promise<LoopbackListener> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections from SDK clients would otherwise hold the server open.
        server.closeAllConnections();
      }),
  };
}
