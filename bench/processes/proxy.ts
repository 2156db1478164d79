/** Child process: the pass-through proxy (proxy.ts) in front of UPSTREAM_ORIGIN, on a free loopback port. */
import { announceReady, serveCommands } from '../child-side.js';
import { listenOnLoopback } from '../loopback.js';
import { createProxy } from '../proxy.js';

const upstreamOrigin = process.env.UPSTREAM_ORIGIN;
if (upstreamOrigin === undefined) throw new Error('bench proxy child: UPSTREAM_ORIGIN must be set.');
const connections = Number(process.env.PROXY_CONNECTIONS ?? '32');

const proxy = createProxy({ upstreamOrigin, connections });
const url = await listenOnLoopback(proxy.server);

serveCommands({ shutdown: () => proxy.close() });
await announceReady(url);
