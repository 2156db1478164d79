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
import { checkUpstream } from './check-upstream-run.js';

checkUpstream(process.argv.slice(2), process.env, { log: (line) => console.log(line), error: (line) => console.error(line) }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
