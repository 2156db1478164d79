/** Listening and closing for the bench's own servers (the proxy and the bare server): loopback, a free port. */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'undici';

/** Listens on a free loopback port; resolves with `http://127.0.0.1:port`. */
export async function listenOnLoopback(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** Stops `server` (its keep-alive connections too), then closes its upstream `pool`. */
export async function closeWithPool(server: http.Server, pool: Pool): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await pool.close();
}
