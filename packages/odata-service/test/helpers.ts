/**
 * Test helpers: a real loopback HTTP client for the embedded OData service.
 *
 * Requests go through an undici `Client` with an explicit raw `path`, NOT `undici.request(url)`: the
 * latter parses the URL with WHATWG `new URL()`, which resolves `%2E%2E` and `.` segments and would hide
 * exactly the path-handling behaviour these tests check.
 */
import { Client } from 'undici';
import { type ODataService, type ODataServiceOptions, createODataService } from '../src/service.js';

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Parsed JSON body, or undefined when empty / not JSON. */
  json: unknown;
}

export interface SendOptions {
  headers?: Record<string, string>;
  /** Objects are sent as JSON (with content-type); strings are sent as-is. */
  body?: unknown;
}

/** Percent-encodes an id as one path segment (dots too, so `..` cannot act as a dot segment). */
export function seg(id: string): string {
  if (id === '.' || id === '..') return id.replace(/\./g, '%2E');
  return encodeURIComponent(id);
}

/** OData key syntax: `('it''s')`, percent-encoded. */
export function key(id: string): string {
  return `('${encodeURIComponent(id.replace(/'/g, "''"))}')`;
}

/** Encodes a query value like URLSearchParams would, but keeps `$` readable in names. */
export function q(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
}

export class TestClient {
  readonly origin: string;
  readonly basePath: string;
  private readonly client: Client;

  constructor(readonly root: string) {
    const match = /^(https?:\/\/[^/]+)(.*)$/.exec(root);
    if (!match) throw new Error(`not an absolute URL: ${root}`);
    this.origin = match[1] ?? '';
    this.basePath = match[2] ?? '';
    this.client = new Client(this.origin);
  }

  /** `path` is relative to the service root ('/connections/...'), or an absolute URL (e.g. a nextLink). */
  async send(method: string, path: string, options: SendOptions = {}): Promise<HttpResult> {
    let rawPath: string;
    if (/^https?:\/\//.test(path)) {
      if (!path.startsWith(this.origin)) throw new Error(`URL ${path} is not on ${this.origin}`);
      rawPath = path.slice(this.origin.length);
    } else {
      rawPath = `${this.basePath}${path}`;
    }
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    let body: string | undefined;
    if (typeof options.body === 'string') body = options.body;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await this.client.request({ method: method as 'GET', path: rawPath, headers, body });
    const text = await response.body.text();
    const flat: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.statusCode, headers: flat, text, json };
  }

  get(path: string, options?: SendOptions): Promise<HttpResult> {
    return this.send('GET', path, options);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** Destroys the pooled connection (after a fault dropped it) so the next request starts clean. */
  destroy(): Promise<void> {
    return this.client.destroy();
  }
}

export interface Harness {
  service: ODataService;
  client: TestClient;
  /** A fresh client (e.g. after a dropped connection); closed with the harness. */
  newClient(): TestClient;
  close(): Promise<void>;
}

export async function startService(options: ODataServiceOptions = {}): Promise<Harness> {
  const service = createODataService(options);
  const url = await service.listen(0);
  const clients: TestClient[] = [];
  const newClient = (): TestClient => {
    const client = new TestClient(url);
    clients.push(client);
    return client;
  };
  return {
    service,
    client: newClient(),
    newClient,
    async close() {
      await Promise.all(clients.map((client) => client.destroy()));
      await service.close();
    },
  };
}

/** Narrowing helper for JSON bodies in tests. */
export function obj(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`expected a JSON object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

export function arr(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error(`expected a JSON array, got ${JSON.stringify(value)}`);
  return value;
}

/** `value` of a collection response. */
export function values(result: HttpResult): Array<Record<string, unknown>> {
  return arr(obj(result.json)['value']).map(obj);
}

export function ids(result: HttpResult): string[] {
  return values(result).map((item) => String(item['id']));
}

/** Expects a Graph error body and returns its `error` object. */
export function graphError(result: HttpResult): { code: string; message: string; innerError: Record<string, unknown> } {
  const error = obj(obj(result.json)['error']);
  return { code: String(error['code']), message: String(error['message']), innerError: obj(error['innerError']) };
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
