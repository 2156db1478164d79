/**
 * The start-time `$metadata` check: reads the upstream's CSDL once (bounded by UPSTREAM_TIMEOUT_MS),
 * logs one line (a warning naming each drift, or info when it matches), and chooses the error shape
 * writes send. It never stops the start: an unreadable `$metadata` is a warning, and the gateway goes on
 * with ERROR_SHAPE or the default.
 */
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import type { ErrorShape } from './odata/error-shape.js';
import { checkUpstreamMetadata, type MetadataFetchOptions, type UpstreamMetadataCheck } from './odata/metadata-upstream.js';

/** The shape of the service this gateway was first built for (the 2019-2020 beta, the embedded service). */
export const DEFAULT_ERROR_SHAPE: ErrorShape = 'errorDetail';

/** The entity type of that service; today's Graph has it in `microsoft.graph.externalConnectors`. */
export const DEFAULT_OPERATION_TYPE = 'microsoft.graph.connectionOperation';

/**
 * A qualified connectionOperation type name fit to send back in `@odata.type` (it comes from the upstream:
 * nothing but a `microsoft.graph` namespace and the type's own name is accepted).
 */
const OPERATION_TYPE = /^microsoft\.graph(?:\.[A-Za-z][A-Za-z0-9]{0,63}){0,4}\.connectionOperation$/;

/** What writes send, as the upstream's `$metadata` declares it. */
export interface UpstreamShapes {
  errorShape: ErrorShape;
  /** Qualified name of the connectionOperation type, for `@odata.type` (without the `#`). */
  operationType: string;
}

export interface StartupCheckOptions {
  config: Pick<GatewayConfig, 'upstreamTimeoutMs' | 'errorShapeOverride'>;
  serviceRoot: string;
  log: Logger;
  /** For tests: the check itself. */
  check?: (serviceRoot: string, options: MetadataFetchOptions) => Promise<UpstreamMetadataCheck>;
}

/**
 * Checks the upstream's `$metadata`, logs the outcome, and returns what writes send: the error shape and the
 * connectionOperation type name. Never throws.
 */
export async function chooseUpstreamShapes({ config, serviceRoot, log, check = checkUpstreamMetadata }: StartupCheckOptions): Promise<UpstreamShapes> {
  const override = config.errorShapeOverride;
  let result: UpstreamMetadataCheck;
  try {
    result = await check(serviceRoot, { timeoutMs: config.upstreamTimeoutMs });
  } catch {
    result = { outcome: 'unreadable', problem: 'the check failed unexpectedly' };
  }
  if (result.outcome === 'unreadable') {
    const shape = override ?? DEFAULT_ERROR_SHAPE;
    log.warn({ problem: result.problem, errorShape: shape }, `upstream $metadata not checked (${result.problem}); writes send the ${shape} error shape`);
    return { errorShape: shape, operationType: DEFAULT_OPERATION_TYPE };
  }
  const { report } = result;
  const shape = override ?? report.errorShape ?? DEFAULT_ERROR_SHAPE;
  const drift = report.findings.filter((f) => f.level === 'drift').map((f) => f.message);
  const info = report.findings.filter((f) => f.level === 'info').map((f) => f.message);
  if (result.outcome === 'drift') {
    log.warn(
      { drift, info, errorShape: shape, upstreamErrorShape: report.errorShape ?? null },
      `upstream $metadata DRIFT: it differs from what the gateway maps (${drift.join('; ')}); writes send the ${shape} error shape; npm run check-upstream prints the full report`,
    );
  } else {
    log.info({ info, errorShape: shape }, `upstream $metadata matches what the gateway maps; writes send the ${shape} error shape`);
  }
  if (override !== undefined && report.errorShape !== undefined && override !== report.errorShape) {
    log.warn({ errorShape: override, upstreamErrorShape: report.errorShape }, `ERROR_SHAPE=${override} overrides the ${report.errorShape} error shape the upstream declares`);
  }
  const declared = report.operation?.type;
  return { errorShape: shape, operationType: declared !== undefined && OPERATION_TYPE.test(declared) ? declared : DEFAULT_OPERATION_TYPE };
}
