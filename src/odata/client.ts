/**
 * The one place the gateway talks HTTP to the upstream: one undici Agent (a keep-alive pool per origin,
 * created once per gateway) composed with undici's retry interceptor. Each call states whether it is
 * idempotent; only those are retried (see retry-policy.ts). Responses are read with a size cap and parsed
 * as JSON; failures become typed UpstreamErrors, never raw undici errors.
 */
import { Agent, interceptors, type Dispatcher, type RetryHandler } from 'undici';
import { UpstreamError } from './errors.js';
import { retryCallback, type RetrySettings } from './retry-policy.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface UpstreamRequest {
  method: HttpMethod;
  /** Path and query relative to the service root (`connections/x/operations?$select=id`), or an absolute
   * URL already checked to lie under it (paging links). */
  target: string;
  headers?: Record<string, string>;
  /** JSON body. */
  body?: unknown;
  /** May the request be sent again after a failure? Only for requests that cannot apply twice. */
  idempotent: boolean;
  /** Does it change upstream state? A lost answer to a write leaves its outcome unknown. */
  write: boolean;
  /** Epoch ms: the GraphQL request's deadline. The request's timeout is cut to it; no retry starts after it. */
  deadline: number;
}

export interface UpstreamResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string | undefined>;
  /** Parsed JSON body; undefined for an empty body. */
  body: unknown;
}

export interface UpstreamClientOptions extends RetrySettings {
  /** Service root, without trailing slash. */
  serviceRoot: string;
  timeoutMs: number;
  connections: number;
  /** Largest response body read, in bytes. Default 16 MiB. */
  maxResponseBytes?: number;
}

/** Network error codes that prove the request never reached the upstream. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_REQ_RETRY') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

async function readCapped(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export class UpstreamClient {
  readonly serviceRoot: string;
  readonly origin: string;
  private readonly rootPath: string;
  /** The agent behind undici's retry interceptor: for idempotent requests only. */
  private readonly retrying: Dispatcher;
  private readonly agent: Agent;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: UpstreamClientOptions) {
    const root = new URL(options.serviceRoot);
    this.serviceRoot = options.serviceRoot;
    this.origin = root.origin;
    this.rootPath = root.pathname.replace(/\/+$/, '');
    this.maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
    this.agent = new Agent({
      connections: options.connections,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: Math.min(options.timeoutMs, 10_000) },
    });
    this.retrying = this.agent.compose(interceptors.retry({ throwOnError: false, maxRetries: options.retryMax }));
  }

  /** The path (with query) to send for a target: relative targets go under the root path. */
  private pathFor(target: string): string {
    if (/^https?:\/\//i.test(target)) {
      const url = new URL(target);
      if (url.origin !== this.origin) throw new Error('paging link outside the upstream origin');
      return url.pathname + url.search;
    }
    return `${this.rootPath}/${target.replace(/^\//, '')}`;
  }

  /** Sends one request. Resolves with any HTTP status; rejects only with an UpstreamError. */
  async send(request: UpstreamRequest): Promise<UpstreamResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    const msLeft = request.deadline - Date.now();
    if (msLeft <= 0) throw UpstreamError.noAnswer('timeout', false);
    const timeout = Math.min(this.options.timeoutMs, msLeft);
    let response: Dispatcher.ResponseData;
    try {
      const options: Dispatcher.RequestOptions = {
        origin: this.origin,
        path: this.pathFor(request.target),
        method: request.method,
        headers,
        body,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      };
      // A request that may not be repeated never passes through the retry interceptor at all.
      response = request.idempotent
        ? await this.retrying.request({
            ...options,
            retryOptions: {
              retry: retryCallback(this.options, request.deadline, request.write),
              methods: [request.method],
              throwOnError: false,
            },
            // undici's RequestOptions type does not list the retry interceptor's per-request options.
          } as Dispatcher.RequestOptions & { retryOptions: RetryHandler.RetryOptions })
        : await this.agent.request(options);
    } catch (error) {
      throw this.noAnswer(error, request);
    }
    const responseHeaders = flattenHeaders(response.headers);
    let text: string | undefined;
    try {
      text = await readCapped(response.body, this.maxResponseBytes);
    } catch (error) {
      throw this.noAnswer(error, request);
    }
    if (text === undefined) throw UpstreamError.malformed(response.statusCode, responseHeaders['request-id']);
    return { status: response.statusCode, headers: responseHeaders, body: this.parseJson(text, response.statusCode, responseHeaders) };
  }

  private parseJson(text: string, status: number, headers: Record<string, string | undefined>): unknown {
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      // An error status with a non-JSON body is still that error; a success without JSON is broken.
      if (status >= 400) return undefined;
      throw UpstreamError.malformed(status, headers['request-id']);
    }
  }

  /** Maps a failure to get an answer. A write that may have reached the upstream has an unknown outcome. */
  private noAnswer(error: unknown, request: UpstreamRequest): UpstreamError {
    if (error instanceof UpstreamError) return error;
    const code = errorCode(error);
    const kind = code !== undefined && TIMEOUT_CODES.has(code) ? 'timeout' : 'unavailable';
    const sent = !(code !== undefined && NOT_SENT_CODES.has(code));
    return UpstreamError.noAnswer(kind, request.write && sent);
  }

  /** The status of `GET {root}/` (readiness), without retries; rejects when there is no answer. */
  async probe(timeoutMs: number): Promise<number> {
    const response = await this.agent.request({
      origin: this.origin,
      path: `${this.rootPath}/`,
      method: 'GET',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body.dump();
    return response.statusCode;
  }

  async close(): Promise<void> {
    if (!this.agent.destroyed) await this.agent.close();
  }

  /** Drops open sockets at once (shutdown after the grace period). */
  async destroy(): Promise<void> {
    await this.agent.destroy();
  }
}
