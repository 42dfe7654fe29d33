import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IotControlPlane } from './iot-control-plane.js';

export interface RunningControlPlane {
  server: Server;
  port: number;
  /** `http://127.0.0.1:<port>`: the `endpoint` for `new IoTClient({ endpoint, ... })`. */
  url: string;
  close(): Promise<void>;
}

/** Serves the control plane over HTTP on loopback (a random free port unless one is given). */
export async function listenIotControlPlane(
  controlPlane: IotControlPlane,
  options: { host?: string; port?: number } = {},
): Promise<RunningControlPlane> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => void controlPlane.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep connections alive; without this close() would wait for them.
        server.closeAllConnections();
      }),
  };
}
