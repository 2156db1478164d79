/**
 * The gateway's own event-loop delay, read from its Prometheus endpoint (prom-client's default metrics,
 * which reset their loop histogram at each scrape): scraped once as the load starts, so the next scrape
 * covers the load alone. A deadline timer fires late by as much as the loop is late, so the longest delay
 * belongs in the bound of an answer's latency, as this process's own does.
 */
import { request } from 'undici';

const LOOP_DELAY_MAX = /^nodejs_eventloop_lag_max_seconds(?:\{[^}]*\})? (\S+)$/m;
const SCRAPE_TIMEOUT_MS = 5000;

/** The longest loop delay since the previous scrape, in ms; throws when the endpoint does not say. */
export async function scrapeLoopDelayMaxMs(gatewayUrl: string): Promise<number> {
  const response = await request(new URL('/metrics', gatewayUrl), { headersTimeout: SCRAPE_TIMEOUT_MS, bodyTimeout: SCRAPE_TIMEOUT_MS });
  const text = await response.body.text();
  const seconds = Number(LOOP_DELAY_MAX.exec(text)?.[1]);
  if (response.statusCode !== 200 || !Number.isFinite(seconds)) {
    throw new Error(`the gateway's /metrics gave no nodejs_eventloop_lag_max_seconds (HTTP ${response.statusCode})`);
  }
  return seconds * 1000;
}
