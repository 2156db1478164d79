/**
 * Child process: the gateway exactly as `npm start` builds it (configuration read from the environment by
 * loadConfig), pointed at the bench's upstream. Answers `memory` with its resident set sizes.
 *
 * With BENCH_METRICS_OFF_TWIN=1 it also serves a second gateway, identical but for METRICS=off, on a port of
 * its own: the cost of metrics is then measured between two gateways of one process, not two processes
 * (identically configured gateway processes measured up to ±11% apart in CPU per request on this machine,
 * more than the cost being measured).
 *
 * It runs the compiled JavaScript of dist/, as `npm start` does (bench/run.ts builds it first): this wrapper
 * goes through tsx, but tsx leaves plain .js files alone, so what is measured is not tsx's transform of the
 * sources (which wraps every named closure in a naming call, a microsecond or so each, per request).
 */
import { announceReady, processMemory, serveCommands } from '../child-side.js';

const compiled = (file: string) => new URL(`../../dist/${file}`, import.meta.url).href;
const { loadConfig } = (await import(compiled('config.js'))) as typeof import('../../src/config.js');
const { createGateway } = (await import(compiled('gateway.js'))) as typeof import('../../src/gateway.js');
const { createLogger } = (await import(compiled('logger.js'))) as typeof import('../../src/logger.js');
const { serveGateway } = (await import(compiled('server.js'))) as typeof import('../../src/server.js');

const config = loadConfig(process.env);
if (config.upstreamUrl === undefined) throw new Error('bench gateway child: UPSTREAM_URL must be set (the bench upstream child).');

const log = createLogger(config.logLevel);
const gateway = createGateway({ config, serviceRoot: config.upstreamUrl, log });
const running = await serveGateway(gateway, config.port, config.host);
const twin =
  process.env.BENCH_METRICS_OFF_TWIN === '1'
    ? await serveGateway(createGateway({ config: { ...config, metrics: 'off' }, serviceRoot: config.upstreamUrl, log }), 0, config.host)
    : undefined;

serveCommands({
  memory: processMemory,
  shutdown: async () => {
    await Promise.all([running.close(1000), twin?.close(1000)]);
  },
});
await announceReady(running.url, twin?.url);
