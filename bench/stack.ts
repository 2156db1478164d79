/**
 * Starting the bench's processes: upstream, gateway(s), the bare reference server and the proxy, each a child
 * with its own event loop. The gateway's environment is built from scratch for the variables it reads, so a
 * stray BATCH_MAX or LOG_LEVEL in the caller's shell cannot silently change what is measured.
 *
 * The gateways run with every feature on, as `npm start` runs them: every setting at its default except
 * those in {@link gatewaySettings}; in particular LOG_LEVEL stays `info`, so each GraphQL request writes its
 * log line (to the child's stdout, which goes to /dev/null), METRICS stays `on` unless a start asks for
 * `off` (scenario 2's measure of what metrics cost), and no OTEL_* variable is passed, so tracing is off.
 * The gateway has one request path: no HTTP_HANDLER is passed.
 */
import { readFileSync } from 'node:fs';
import { configVariables, type BatchMode } from '../src/config.js';
import { type BenchChild, startChild } from './children.js';
import { startNodeFlags } from './start-flags.js';
import { BATCH_MAX } from './workload.js';

/** Upstream keep-alive connections: the gateway's default, used by the proxy too. */
export const UPSTREAM_CONNECTIONS = 32;

/** The caller's environment without the gateway's variables, any OTEL_* one, NODE_ENV and NODE_OPTIONS. */
export function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of configVariables) delete env[name];
  // Tracing stays off, as by default: the OTEL_* variables the gateway reads are among the above, the rest go too.
  for (const name of Object.keys(env)) if (name.startsWith('OTEL_')) delete env[name];
  delete env.NODE_OPTIONS; // flags meant for the bench runner are not the children's
  delete env.NODE_ENV; // each start says which it runs with
  return env;
}

export function startUpstream(): Promise<BenchChild> {
  return startChild('upstream', { label: 'upstream', env: baseEnv() });
}

export interface GatewayStart {
  upstreamUrl: string;
  batchMode: BatchMode;
  /**
   * Also serve an identical gateway with METRICS=off in the same process (the child's `twinUrl`): what
   * metrics cost is measured between the two, free of the differences between processes.
   */
  metricsOffTwin?: boolean;
  /** Directory for a `--cpu-prof` profile, written when the child exits. */
  profileDir?: string;
}

/** The gateway variables the bench sets; every other one is left at its default. */
export function gatewaySettings(options: Omit<GatewayStart, 'profileDir'>): Record<string, string> {
  return {
    UPSTREAM_URL: options.upstreamUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    BATCH_MODE: options.batchMode,
    // The default (on), set explicitly because scenario 2 compares it with a gateway that has it off.
    METRICS: 'on',
    // Both are the defaults, set explicitly because the bench's bounds and the proxy's pool rely on them.
    BATCH_MAX: String(BATCH_MAX),
    UPSTREAM_CONNECTIONS: String(UPSTREAM_CONNECTIONS),
  };
}

/** The node flags `npm start` runs the gateway with (package.json's start script). */
export const START_NODE_FLAGS: readonly string[] = startNodeFlags(
  (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }).scripts.start,
);

export function startGateway(options: GatewayStart): Promise<BenchChild> {
  return startChild('gateway', {
    label: `gateway (BATCH_MODE=${options.batchMode}${options.metricsOffTwin === true ? ', and its METRICS=off twin' : ''})`,
    env: {
      ...baseEnv(),
      ...gatewaySettings(options),
      ...(options.metricsOffTwin === true ? { BENCH_METRICS_OFF_TWIN: '1' } : {}),
      // As `npm start` runs it (graphql-js, for one, skips its development-mode checks in production).
      NODE_ENV: 'production',
    },
    // --expose-gc only lets the `memory` command measure live heap; it changes no GC behaviour.
    nodeFlags: ['--expose-gc', ...START_NODE_FLAGS, ...(options.profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [])],
  });
}

/** The bare graphql-js reference server (bare.ts) over the upstream, with the gateway's pool size. */
export function startBare(upstreamUrl: string): Promise<BenchChild> {
  return startChild('bare', {
    label: 'bare graphql-js server',
    env: { ...baseEnv(), UPSTREAM_URL: upstreamUrl, UPSTREAM_CONNECTIONS: String(UPSTREAM_CONNECTIONS), NODE_ENV: 'production' },
    // The gateway's runtime settings, so that the two differ in their code only.
    nodeFlags: ['--expose-gc', ...START_NODE_FLAGS],
  });
}

export function startProxy(upstreamOrigin: string): Promise<BenchChild> {
  return startChild('proxy', {
    label: 'proxy',
    env: { ...baseEnv(), UPSTREAM_ORIGIN: upstreamOrigin, PROXY_CONNECTIONS: String(UPSTREAM_CONNECTIONS) },
  });
}
