/** The scrape endpoint on node:http, in front of the server's handler (server.ts). */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
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
