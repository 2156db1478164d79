/**
 * The node:http side of the metrics: the scrape endpoint, and the start and end of each GraphQL request's
 * observation. Both wrap the server's handler (server.ts), so they hold whichever handler serves GraphQL.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { runsGraphQL } from '../admission.js';
import type { GatewayMetrics } from './gateway-metrics.js';

/**
 * Answers `GET {path}` (and HEAD) with the metrics, before admission control and outside the GraphQL path;
 * everything else goes to `handler`. A query string is ignored.
 */
export function withMetricsEndpoint(metrics: GatewayMetrics, path: string, handler: RequestListener): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '';
    if (!(url === path || (url.startsWith(path) && url.charAt(path.length) === '?'))) {
      handler(request, response);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' });
      response.end();
      return;
    }
    metrics.scrape().then(
      (text) => {
        response.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      () => {
        response.writeHead(500);
        response.end();
      },
    );
  };
}

/** Observes every GraphQL request `handler` serves, from its arrival to the close of its response. */
export function withRequestMetrics(metrics: GatewayMetrics, endpoint: string, handler: RequestListener): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    if (runsGraphQL(request, endpoint)) {
      const observation = metrics.requestStarted(request);
      // 'close' comes once per response: after it is sent, or when its client goes away first.
      response.once('close', () => metrics.requestEnded(request, observation, response.headersSent ? response.statusCode : 0));
    }
    handler(request, response);
  };
}
