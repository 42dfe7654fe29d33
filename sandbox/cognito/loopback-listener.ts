import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackListener {
  /** `http://127.0.0.1:{port}`, what clients use as their endpoint. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves a request handler on 127.0.0.1 at a random free port (or the one given); for tests and tools. */
export async function listenOnLoopback(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  port = 0,
): Promise<LoopbackListener> {
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections from SDK clients would otherwise hold the server open.
        server.closeAllConnections();
      }),
  };
}
