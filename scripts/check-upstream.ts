/**
 * `npm run check-upstream`: reads the upstream's `$metadata`, prints the drift report (what the gateway
 * maps and how the upstream differs) and exits 0 when it matches, 1 on drift, 2 when the metadata cannot
 * be read (or the arguments are wrong).
 *
 *   npm run check-upstream                      the embedded service (started on a free loopback port)
 *   npm run check-upstream -- --url <root>      another service root (else UPSTREAM_URL)
 *
 * Environment: UPSTREAM_URL; UPSTREAM_AUTHORIZATION, sent as the `Authorization` header and never
 * printed (e.g. `Bearer …` for a protected service); UPSTREAM_TIMEOUT_MS (default 10000).
 */
import { ConfigError, loadConfig } from '../src/config.js';
import { formatReport } from '../src/odata/metadata-check.js';
import { checkUpstreamMetadata } from '../src/odata/metadata-upstream.js';
import { createODataService } from '@odata-gateway/odata-service';

const USAGE = 'usage: npm run check-upstream [-- --url <OData service root>]';

function urlArgument(args: string[]): string | undefined {
  let url: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--url' && args[i + 1] !== undefined) url = args[++i];
    else if (arg.startsWith('--url=')) url = arg.slice('--url='.length);
    else {
      console.error(`unknown argument ${JSON.stringify(arg.slice(0, 100))}\n${USAGE}`);
      process.exit(2);
    }
  }
  return url;
}

async function main(): Promise<number> {
  const url = urlArgument(process.argv.slice(2)) ?? process.env['UPSTREAM_URL'];
  let config;
  try {
    // The gateway's own validation of the service root and the timeout.
    config = loadConfig({ UPSTREAM_URL: url, UPSTREAM_TIMEOUT_MS: process.env['UPSTREAM_TIMEOUT_MS'] });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) console.error(problem);
    return 2;
  }
  const authorization = process.env['UPSTREAM_AUTHORIZATION'] || undefined;

  const embedded = config.upstreamUrl === undefined ? createODataService() : undefined;
  try {
    const serviceRoot = embedded ? await embedded.listen(0, '127.0.0.1') : config.upstreamUrl!;
    console.log(`checking ${serviceRoot}/$metadata${embedded ? ' (the embedded service; set UPSTREAM_URL or --url for another)' : ''}`);
    const result = await checkUpstreamMetadata(serviceRoot, { timeoutMs: config.upstreamTimeoutMs, authorization });
    if (result.outcome === 'unreadable') {
      console.log(`upstream $metadata: UNREADABLE (${result.problem})`);
      return 2;
    }
    console.log(formatReport(result.report));
    return result.outcome === 'fine' ? 0 : 1;
  } finally {
    await embedded?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
