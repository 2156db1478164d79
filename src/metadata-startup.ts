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

export interface StartupCheckOptions {
  config: Pick<GatewayConfig, 'upstreamTimeoutMs' | 'errorShapeOverride'>;
  serviceRoot: string;
  log: Logger;
  /** For tests: the check itself. */
  check?: (serviceRoot: string, options: MetadataFetchOptions) => Promise<UpstreamMetadataCheck>;
}

/** Checks the upstream's `$metadata`, logs the outcome, and returns the error shape to write. Never throws. */
export async function chooseErrorShape({ config, serviceRoot, log, check = checkUpstreamMetadata }: StartupCheckOptions): Promise<ErrorShape> {
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
    return shape;
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
  return shape;
}
