/**
 * The GraphiQL page over HTTP (src/plugins/use-graphiql.ts): the page `npm run build` wrote (here the test
 * setup, test/support/graphiql-page.ts), streamed from its files in the encoding the request accepts, with
 * entity tags; GraphQL responses are left as they are.
 * Raw node:http requests, because fetch negotiates and decodes compression by itself.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { negotiateEncoding } from '../../src/graphiql/accept-encoding.js';
import { PAGE_DIRECTORY, pageFileName } from '../../src/graphiql/page-files.js';
import { renderGraphiQLPage } from '../../src/graphiql/render-page.js';
import { fixGraphiQLTabs } from '../../src/graphiql/tabs-fix.js';
import { useGraphiQLPage } from '../../src/plugins/use-graphiql.js';
import { startStack, type Stack } from '../support/stack.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const page = (url: string, headers: Record<string, string> = {}) => raw(`${url}/graphql`, { headers: { accept: 'text/html', ...headers } });
const builtFile = (name: string) => readFileSync(new URL(name, PAGE_DIRECTORY));

/** This process's open files in the page's directory (the gateway under test runs in it). */
function openPageFiles(): string[] {
  const directory = fileURLToPath(PAGE_DIRECTORY);
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(directory) ? [target] : [];
    } catch {
      return []; // closed meanwhile (the readdir's own descriptor)
    }
  });
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ service: { seed: true } });
});
afterAll(async () => {
  await stack?.close();
});

describe('the GraphiQL page', () => {
  it('is the built page: identity without Accept-Encoding, br or gzip when accepted, each decoding to the same page', async () => {
    const identity = await page(stack.url);
    expect(identity.status).toBe(200);
    expect(identity.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.headers['vary']).toMatch(/accept-encoding/i);
    expect(identity.headers['cache-control']).toBe('no-cache');
    expect(Number(identity.headers['content-length'])).toBe(identity.body.length);
    // The page yoga rendered before, with the gateway's title and tabs and the tabs fix.
    expect(identity.body.toString('utf8')).toBe(renderGraphiQLPage().html);
    const html = identity.body.toString('utf8');
    expect(html).toContain('<title>OData GraphQL gateway</title>');
    expect(html).toContain('data-gateway-fix="graphiql-tabs"');
    expect(html).toContain('mutation CreateConnection');
    expect(identity.body.length).toBeGreaterThan(5_000_000); // the bundled GraphiQL: about 9 MB

    const br = await page(stack.url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['vary']).toMatch(/accept-encoding/i);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(identity.body.length / 3);
    expect(brotliDecompressSync(br.body).equals(identity.body)).toBe(true);
    // Compressed by the build, not by the gateway.
    expect(br.body.equals(builtFile(pageFileName('br')))).toBe(true);

    const gzip = await page(stack.url, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers['vary']).toMatch(/accept-encoding/i);
    expect(Number(gzip.headers['content-length'])).toBe(gzip.body.length);
    expect(gunzipSync(gzip.body).equals(identity.body)).toBe(true);
    expect(gzip.body.equals(builtFile(pageFileName('gzip')))).toBe(true);

    const refused = await page(stack.url, { 'accept-encoding': 'br;q=0, gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(identity.body)).toBe(true);
  });

  it('answers a request for the page it has (If-None-Match) with a 304, per encoding', async () => {
    const br = await page(stack.url, { 'accept-encoding': 'br' });
    const identity = await page(stack.url);
    const tag = br.headers['etag'];
    expect(tag).toMatch(/^"br-[0-9a-z]+-[0-9a-z]+"$/);
    expect(identity.headers['etag']).not.toBe(tag);
    // Tags hold from one response to the next while the page stays the same.
    expect((await page(stack.url, { 'accept-encoding': 'br' })).headers['etag']).toBe(tag);

    for (const ifNoneMatch of [`${tag}`, `W/${tag}`, `"other", ${tag}`, '*']) {
      const unchanged = await page(stack.url, { 'accept-encoding': 'br', 'if-none-match': ifNoneMatch });
      expect(unchanged.status).toBe(304);
      expect(unchanged.body.length).toBe(0);
      expect(unchanged.headers['etag']).toBe(tag);
      expect(unchanged.headers['vary']).toMatch(/accept-encoding/i);
      expect(unchanged.headers['cache-control']).toBe('no-cache');
    }
    // Another tag, or the br page's tag asked for in another encoding: the whole page.
    expect((await page(stack.url, { 'accept-encoding': 'br', 'if-none-match': '"other"' })).status).toBe(200);
    const otherEncoding = await page(stack.url, { 'accept-encoding': 'gzip', 'if-none-match': `${tag}` });
    expect(otherEncoding.status).toBe(200);
    expect(otherEncoding.headers['content-encoding']).toBe('gzip');
  });

  it('closes its file after a whole page, after a 304, and when the client leaves mid-page', async () => {
    const whole = await page(stack.url, { 'accept-encoding': 'gzip' });
    // (A file is closed just after its last bytes are sent.)
    await expect.poll(openPageFiles).toEqual([]);
    for (let i = 0; i < 3; i++) {
      expect((await page(stack.url, { 'accept-encoding': 'gzip', 'if-none-match': `${whole.headers['etag']}` })).status).toBe(304);
    }
    await expect.poll(openPageFiles).toEqual([]);

    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${stack.url}/graphql`, { headers: { accept: 'text/html' } }, resolve);
      req.on('error', reject);
      req.end();
    });
    await new Promise((resolve) => response.once('data', resolve));
    response.pause();
    // The page is being sent: its file is open (the check sees open files).
    expect(openPageFiles()).toHaveLength(1);
    response.destroy();
    await expect.poll(openPageFiles).toEqual([]);
  });

  it('leaves GraphQL responses as they are', async () => {
    const answer = await raw(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'br, gzip' },
      body: JSON.stringify({ query: '{ connectionOperation(connectionId: "contosohr", operationId: "hr-op-004") { operationId status } }' }),
    });
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(answer.body.toString('utf8'))).toEqual({ data: { connectionOperation: { operationId: 'hr-op-004', status: 'FAILED' } } });

    const get = await raw(`${stack.url}/graphql?query=${encodeURIComponent('{ connectionOperation(connectionId: "contosohr", operationId: "hr-op-001") { status } }')}`, {
      headers: { accept: 'application/json', 'accept-encoding': 'br, gzip' },
    });
    expect(get.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(get.body.toString('utf8'))).toEqual({ data: { connectionOperation: { status: 'COMPLETED' } } });
  });
});

/** A yoga with the page plugin alone, serving the page files of `directory`; its error log lines go to `errors`. */
async function servePagePlugin(directory: string, errors: unknown[][]): Promise<{ server: Server; url: string }> {
  const quiet = () => undefined;
  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }),
    graphiql: false,
    plugins: [useGraphiQLPage({ directory: pathToFileURL(`${directory}/`) })],
    logging: { debug: quiet, info: quiet, warn: quiet, error: (...args: unknown[]) => errors.push(args) },
  });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the GraphiQL page not built', () => {
  let server: Server;
  let url: string;
  let directory: string;
  const errors: unknown[][] = [];

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'graphiql-unbuilt-'));
    ({ server, url } = await servePagePlugin(directory, errors));
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    rmSync(directory, { recursive: true, force: true });
  });

  it('is a 503, with what to run in the log', async () => {
    const answer = await page(url, { 'accept-encoding': 'br' });
    expect(answer.status).toBe(503);
    expect(answer.body.toString('utf8')).toBe('The GraphiQL page has not been built.');
    expect(errors).toHaveLength(1);
    expect(String(errors[0]![0])).toContain('npm run build');
  });
});

describe('the GraphiQL page unreadable once its answer has begun', () => {
  let server: Server;
  let url: string;
  let directory: string;
  const errors: unknown[][] = [];
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);

  beforeAll(async () => {
    // Each page file a directory: opening and stat succeed (the status and headers go out), reading fails
    // (EISDIR), as a failing disk's EIO would.
    directory = mkdtempSync(join(tmpdir(), 'graphiql-unreadable-'));
    for (const encoding of [undefined, 'br', 'gzip'] as const) mkdirSync(join(directory, pageFileName(encoding)));
    process.on('uncaughtException', record);
    ({ server, url } = await servePagePlugin(directory, errors));
  });
  afterAll(async () => {
    process.off('uncaughtException', record);
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(directory, { recursive: true, force: true });
  });

  it.each([['identity', {}], ['br', { 'accept-encoding': 'br' }]] as const)('%s: the connection is cut at once, the failure logged, nothing left uncaught', async (_name, headers) => {
    errors.length = 0;
    const started = Date.now();
    await expect(page(url, headers)).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
    expect(Date.now() - started).toBeLessThan(2000);
    // (An 'error' with no listener fails on a later turn of the event loop.)
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(uncaught).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(String(errors[0]![0])).toContain('reading its file failed');
  });
});

describe('negotiateEncoding', () => {
  it.each([
    [null, undefined],
    ['', undefined],
    ['identity', undefined],
    ['deflate', undefined],
    ['gzip', 'gzip'],
    ['x-gzip', 'gzip'],
    ['GZIP', 'gzip'],
    ['br', 'br'],
    ['gzip, deflate, br', 'br'],
    ['gzip, deflate, br, zstd', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', undefined],
    ['*', 'br'],
    ['*;q=0, gzip', 'gzip'],
    ['gzip;q=0.8, *;q=0.1', 'gzip'],
  ] as const)('%j → %s', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});

describe('fixGraphiQLTabs', () => {
  it('leaves a page of unknown structure alone', () => {
    expect(fixGraphiQLTabs('<html><head></head><body>no GraphiQL here</body></html>')).toBeUndefined();
  });

  it('adds its style and script in the head and defers the render call to the loaded fonts', () => {
    const html = `<html><head><style>x</style></head><body><script>
        var js = 1;
        YogaGraphiQL.renderYogaGraphiQL(
          window.document.querySelector('#root'),
          {"title":"t"},
        );
      </script></body></html>`;
    const fixed = fixGraphiQLTabs(html)!;
    const head = fixed.slice(0, fixed.indexOf('</head>'));
    expect(head).toContain('.graphiql-plugin:empty');
    expect(head).toContain('data-gateway-dragging');
    expect(fixed).toContain('fonts.load(font)');
    expect(fixed.indexOf('Promise.race')).toBeLessThan(fixed.indexOf('YogaGraphiQL.renderYogaGraphiQL('));
    expect(fixed.match(/YogaGraphiQL\.renderYogaGraphiQL\(/g)).toHaveLength(1);
    expect(fixed).toContain('var js = 1;');
    // Still a valid script.
    const script = fixed.slice(fixed.lastIndexOf('<script>') + '<script>'.length, fixed.lastIndexOf('</script>'));
    expect(() => new Function(script)).not.toThrow();
  });
});
