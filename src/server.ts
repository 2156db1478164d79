/**
 * Serves a gateway over node:http and shuts it down gracefully: stop accepting, let in-flight requests
 * finish within a grace period, then drop what is left and close the upstream pool.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Gateway } from './gateway.js';

export interface RunningServer {
  server: Server;
  /** `http://host:port` */
  url: string;
  close(graceMs?: number): Promise<void>;
}

export async function serveGateway(gateway: Gateway, port: number, host: string): Promise<RunningServer> {
  const server = createServer(gateway.yoga);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
      await gateway.close();
    },
  };
}
