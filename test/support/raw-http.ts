/**
 * Raw HTTP/1.1 requests to a GraphQL server, and its answers as the tests compare them: status, the headers a
 * server chose (not node:http's transport headers), and the body with request ids (random per request)
 * replaced by `<uuid>`.
 */
import { request as httpRequest } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Send the body chunked, without Content-Length. */
  chunked?: boolean;
}

/** Headers node:http adds to every answer, whoever made it. */
const TRANSPORT_HEADERS = new Set(['date', 'connection', 'keep-alive']);

export function send(baseUrl: string, raw: RawRequest): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  const body = raw.body ?? '';
  const headers: Record<string, string | number> = { ...raw.headers };
  if (!raw.chunked && raw.method !== 'GET') headers['content-length'] = Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: url.hostname, port: url.port, method: raw.method ?? 'POST', path: raw.path ?? '/graphql', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const shown: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (!TRANSPORT_HEADERS.has(name) && value !== undefined) shown[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        // Request ids are random per request (the upstream's, or the one made for client-request-id).
        const text = Buffer.concat(chunks).toString('utf8').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
        if (shown['content-length'] !== undefined) shown['content-length'] = String(Buffer.byteLength(text));
        resolve({ status: response.statusCode ?? 0, headers: shown, body: text });
      });
    });
    request.on('error', reject);
    if (raw.chunked) request.write(body);
    request.end(raw.chunked ? undefined : body);
  });
}
