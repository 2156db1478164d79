/**
 * The upstream of the run: the embedded OData service (createODataService) mounted behind a counting
 * node:http server in this process. The counter stamps each top-level request when it arrives, so that
 * "no backlog after the load" can be judged on exact arrival times rather than on a log drained now and
 * then, and it tells the recovery probe's requests apart by the `client-request-id` the gateway forwards.
 * `$batch` parts are counted from the service's own request log, which is drained as the run goes (it
 * keeps every body: left alone it would be the test's biggest memory).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createODataService, type ODataService } from '@odata-gateway/odata-service';

const BASE_PATH = '/beta';
const DRAIN_EVERY_MS = 250;

export interface UpstreamCounts {
  /** Top-level HTTP requests received (each `$batch` post is one). */
  requests: number;
  /** Of which `$batch` posts. */
  batchPosts: number;
  /** Parts executed inside those posts. */
  batchParts: number;
  /** Requests carrying the recovery probe's client-request-id. */
  probeRequests: number;
  /** Most top-level requests open at once (received, response not yet closed). */
  peakInFlight: number;
}

export class CountedUpstream {
  readonly service: ODataService;
  readonly serviceRoot: string;
  /** performance.now() of every top-level request that is not the probe's, in arrival order. */
  readonly arrivals: number[] = [];
  private readonly counts: UpstreamCounts = { requests: 0, batchPosts: 0, batchParts: 0, probeRequests: 0, peakInFlight: 0 };
  private inFlight = 0;
  private readonly drainTimer: NodeJS.Timeout;

  private constructor(
    service: ODataService,
    private readonly server: http.Server,
    private readonly probePrefix: string,
  ) {
    this.service = service;
    const address = server.address() as AddressInfo;
    this.serviceRoot = `http://127.0.0.1:${address.port}${BASE_PATH}`;
    this.drainTimer = setInterval(() => this.drain(), DRAIN_EVERY_MS);
  }

  /**
   * Starts the service on a free loopback port. `probePrefix`: the start of the client-request-id of
   * requests that are the recovery probe's, not the load's.
   */
  static async start(probePrefix: string): Promise<CountedUpstream> {
    const service = createODataService({ basePath: BASE_PATH });
    let counted: CountedUpstream | undefined;
    const server = http.createServer((request, response) => {
      counted?.arrived(request, response);
      service.handler(request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    counted = new CountedUpstream(service, server, probePrefix);
    return counted;
  }

  private arrived(request: http.IncomingMessage, response: http.ServerResponse): void {
    const at = performance.now();
    this.counts.requests += 1;
    if (request.method === 'POST' && (request.url ?? '').split('?', 1)[0] === `${BASE_PATH}/$batch`) this.counts.batchPosts += 1;
    const requestId = request.headers['client-request-id'];
    if (typeof requestId === 'string' && requestId.startsWith(this.probePrefix)) this.counts.probeRequests += 1;
    else this.arrivals.push(at);
    this.inFlight += 1;
    this.counts.peakInFlight = Math.max(this.counts.peakInFlight, this.inFlight);
    response.once('close', () => (this.inFlight -= 1));
  }

  /** Counts the `$batch` parts logged so far and forgets the log. */
  private drain(): void {
    for (const record of this.service.requests) if (record.batchPart !== undefined) this.counts.batchParts += 1;
    this.service.clearRequests();
  }

  /** Non-probe requests that arrived in [from, to) (performance.now() times). */
  arrivalsBetween(from: number, to: number): number {
    let n = 0;
    for (const at of this.arrivals) if (at >= from && at < to) n += 1;
    return n;
  }

  get snapshot(): UpstreamCounts {
    this.drain();
    return { ...this.counts };
  }

  async close(): Promise<void> {
    clearInterval(this.drainTimer);
    this.drain();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.service.close(); // clears the service's pending latency timers
  }
}
