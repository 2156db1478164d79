/**
 * What `npm run check-upstream` does, as a function of its arguments, environment and output, returning the
 * exit code (0 the metadata matches, 1 drift, 2 unreadable or wrong arguments): scripts/check-upstream.ts is
 * the process around it, and tests call it in-process (a process each costs half a second of start-up).
 */
import { ConfigError, loadConfig } from '../src/config.js';
import { formatReport } from '../src/odata/metadata-check.js';
import { checkUpstreamMetadata } from '../src/odata/metadata-upstream.js';
import { createODataService } from '@odata-gateway/odata-service';

const USAGE = 'usage: npm run check-upstream [-- --url <OData service root>]';

export interface CheckOutput {
  log(line: string): void;
  error(line: string): void;
}

/** The `--url` argument; undefined when absent; an error line for anything else. */
function urlArgument(args: readonly string[]): { url: string | undefined } | { problem: string } {
  let url: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--url' && args[i + 1] !== undefined) url = args[++i];
    else if (arg.startsWith('--url=')) url = arg.slice('--url='.length);
    else return { problem: `unknown argument ${JSON.stringify(arg.slice(0, 100))}\n${USAGE}` };
  }
  return { url };
}

export async function checkUpstream(args: readonly string[], env: Readonly<Record<string, string | undefined>>, out: CheckOutput): Promise<number> {
  const parsed = urlArgument(args);
  if ('problem' in parsed) {
    out.error(parsed.problem);
    return 2;
  }
  let config;
  try {
    // The gateway's own validation of the service root and the timeout.
    config = loadConfig({ UPSTREAM_URL: parsed.url ?? env['UPSTREAM_URL'], UPSTREAM_TIMEOUT_MS: env['UPSTREAM_TIMEOUT_MS'] });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) out.error(problem);
    return 2;
  }
  const authorization = env['UPSTREAM_AUTHORIZATION'] || undefined;

  const embedded = config.upstreamUrl === undefined ? createODataService() : undefined;
  try {
    const serviceRoot = embedded ? await embedded.listen(0, '127.0.0.1') : config.upstreamUrl!;
    out.log(`checking ${serviceRoot}/$metadata${embedded ? ' (the embedded service; set UPSTREAM_URL or --url for another)' : ''}`);
    const result = await checkUpstreamMetadata(serviceRoot, { timeoutMs: config.upstreamTimeoutMs, authorization });
    if (result.outcome === 'unreadable') {
      out.log(`upstream $metadata: UNREADABLE (${result.problem})`);
      return 2;
    }
    out.log(formatReport(result.report));
    return result.outcome === 'fine' ? 0 : 1;
  } finally {
    await embedded?.close();
  }
}
