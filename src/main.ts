/**
 * `npm start`: read the configuration, start the embedded OData service when no UPSTREAM_URL is set,
 * check the upstream's `$metadata` (metadata-startup.ts), serve the gateway, and close both cleanly on
 * SIGINT/SIGTERM.
 *
 * The embedded service (the @odata-gateway/odata-service workspace package) is a test double, not the
 * product: it is imported only when it is started, so a gateway in front of a real upstream never loads it.
 */
import type { ODataService } from '@odata-gateway/odata-service';
import { ConfigError, loadConfig } from './config.js';
import { createGateway } from './gateway.js';
import { createProcessLog } from './logger.js';
import { chooseUpstreamShapes } from './metadata-startup.js';
import { serveGateway } from './server.js';
import type { GatewayTracing } from './tracing/gateway-tracing.js';

/** Tracing over OTLP: the SDK, the exporter and the gateway's tracing modules, loaded only now. */
async function startTracing(serviceName: string): Promise<GatewayTracing> {
  const [{ createOtlpTracerProvider }, { gatewayTracing }] = await Promise.all([import('./tracing/otlp.js'), import('./tracing/gateway-tracing.js')]);
  return gatewayTracing(createOtlpTracerProvider(serviceName));
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) console.error(problem);
      process.exit(2);
    }
    throw error;
  }
  const { log, announce } = createProcessLog(config.logLevel);

  let embedded: ODataService | undefined;
  let serviceRoot = config.upstreamUrl;
  if (serviceRoot === undefined) {
    const { createODataService } = await import('@odata-gateway/odata-service');
    // Nothing reads its request log here: keeping it would grow the process with every request served.
    embedded = createODataService({ seed: true, requestLogMax: 0, operationDelayMs: config.embeddedOperationDelayMs });
    serviceRoot = await embedded.listen(0, '127.0.0.1');
  }

  // Bounded by UPSTREAM_TIMEOUT_MS; drift or an unreachable upstream is a warning, never a failed start.
  const { errorShape, operationType } = await chooseUpstreamShapes({ config, serviceRoot, log });
  // Tracing off (the default): the OpenTelemetry SDK and exporter, and the gateway's tracing modules, are not loaded at all.
  const tracing = config.tracing === 'otlp' ? await startTracing(config.otelServiceName) : undefined;
  if (tracing !== undefined) log.info({ serviceName: config.otelServiceName }, 'OpenTelemetry tracing on: spans exported over OTLP/HTTP');
  const gateway = createGateway({ config, serviceRoot, log, errorShape, operationType, ...(tracing !== undefined ? { tracing } : {}) });
  const running = await serveGateway(gateway, config.port, config.host);
  const upstreamNote = embedded ? `embedded OData service with sample data at ${serviceRoot}` : `OData upstream ${serviceRoot}`;
  // After every line the start logged (the metadata check's warning, say): tests and scripts wait for this one.
  announce(`GraphQL gateway at ${running.url}/graphql (GraphiQL in a browser), ${upstreamNote}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await running.close(config.shutdownGraceMs);
    await embedded?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
