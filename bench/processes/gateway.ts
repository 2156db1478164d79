/**
 * Child process: the gateway exactly as `npm start` builds it (configuration read from the environment by
 * loadConfig), pointed at the bench's upstream. Answers `memory` with its resident set sizes.
 */
import { loadConfig } from '../../src/config.js';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { serveGateway } from '../../src/server.js';
import { announceReady, serveCommands } from '../child-side.js';

const config = loadConfig(process.env);
if (config.upstreamUrl === undefined) throw new Error('bench gateway child: UPSTREAM_URL must be set (the bench upstream child).');

const gateway = createGateway({ config, serviceRoot: config.upstreamUrl, log: createLogger(config.logLevel) });
const running = await serveGateway(gateway, config.port, config.host);

serveCommands({
  memory: () => {
    // RSS first, as the load left it; then a full GC (the bench starts this child with --expose-gc) so
    // the heap figure is live data rather than garbage the collector had not got to yet.
    const { rss } = process.memoryUsage();
    const maxRss = process.resourceUsage().maxRSS * 1024;
    globalThis.gc?.();
    return { rss, maxRss, liveHeap: process.memoryUsage().heapUsed };
  },
  shutdown: () => running.close(1000),
});
await announceReady(running.url);
