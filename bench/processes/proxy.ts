/** Child process: the pass-through proxy (proxy.ts) in front of UPSTREAM_ORIGIN, on a free loopback port. */
import type { AddressInfo } from 'node:net';
import { announceReady, serveCommands } from '../child-side.js';
import { createProxy } from '../proxy.js';

const upstreamOrigin = process.env.UPSTREAM_ORIGIN;
if (upstreamOrigin === undefined) throw new Error('bench proxy child: UPSTREAM_ORIGIN must be set.');
const connections = Number(process.env.PROXY_CONNECTIONS ?? '32');

const proxy = createProxy({ upstreamOrigin, connections });
await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
const { port } = proxy.server.address() as AddressInfo;

serveCommands({ shutdown: () => proxy.close() });
await announceReady(`http://127.0.0.1:${port}`);
