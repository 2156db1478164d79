/**
 * The GraphiQL page over HTTP (src/plugins/use-graphiql*.ts): compressed by the request's Accept-Encoding,
 * compressed once and reused, served with the tabs fix; GraphQL responses are left as they are.
 * Raw node:http requests, because fetch negotiates and decodes compression by itself.
 */
import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { negotiateEncoding } from '../../src/plugins/use-graphiql-compression.js';
import { fixGraphiQLTabs } from '../../src/plugins/use-graphiql-tabs-fix.js';
import { startStack, type Stack } from '../support/stack.js';

// Counts the compressions: the page must be compressed once per encoding, not once per request.
const compressions = vi.hoisted(() => ({ br: 0, gzip: 0 }));
vi.mock('node:zlib', async (importOriginal) => {
  const zlib = await importOriginal<typeof import('node:zlib')>();
  return {
    ...zlib,
    brotliCompress: ((...args: Parameters<typeof zlib.brotliCompress>) => {
      compressions.br++;
      return (zlib.brotliCompress as (...a: unknown[]) => void)(...args);
    }) as typeof zlib.brotliCompress,
    gzip: ((...args: Parameters<typeof zlib.gzip>) => {
      compressions.gzip++;
      return (zlib.gzip as (...a: unknown[]) => void)(...args);
    }) as typeof zlib.gzip,
  };
});

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

const page = (stack: Stack, acceptEncoding?: string) =>
  raw(`${stack.url}/graphql`, { headers: { accept: 'text/html', ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }) } });

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ service: { seed: true } });
});
afterAll(async () => {
  await stack?.close();
});

describe('GraphiQL page compression', () => {
  it('is identity without Accept-Encoding, br or gzip when accepted, each decoding to the same page', async () => {
    const identity = await page(stack);
    expect(identity.status).toBe(200);
    expect(identity.headers['content-type']).toMatch(/^text\/html/);
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.headers['vary']).toMatch(/accept-encoding/i);
    expect(Number(identity.headers['content-length'])).toBe(identity.body.length);
    const html = identity.body.toString('utf8');
    expect(html).toContain('<title>OData GraphQL gateway</title>');
    expect(html).toContain('data-gateway-fix="graphiql-tabs"');
    expect(identity.body.length).toBeGreaterThan(5_000_000); // the bundled GraphiQL: about 9 MB

    const br = await page(stack, 'gzip, deflate, br');
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['vary']).toMatch(/accept-encoding/i);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(identity.body.length / 3);
    expect(brotliDecompressSync(br.body).equals(identity.body)).toBe(true);

    const gzip = await page(stack, 'gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers['vary']).toMatch(/accept-encoding/i);
    expect(Number(gzip.headers['content-length'])).toBe(gzip.body.length);
    expect(gzip.body.length).toBeLessThan(identity.body.length / 3);
    expect(gunzipSync(gzip.body).equals(identity.body)).toBe(true);

    const refused = await page(stack, 'br;q=0, gzip;q=0, identity');
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(identity.body)).toBe(true);
  });

  it('compresses once per encoding and reuses it, also for concurrent first requests', async () => {
    const before = { ...compressions };
    const answers = await Promise.all([page(stack, 'br'), page(stack, 'br'), page(stack, 'br, gzip'), page(stack, 'gzip'), page(stack, 'x-gzip')]);
    for (const answer of answers) expect(answer.status).toBe(200);
    expect(answers[1]!.body.equals(answers[0]!.body)).toBe(true);
    expect(answers[4]!.body.equals(answers[3]!.body)).toBe(true);
    // The first test compressed each encoding already; none of these five requests compressed again.
    expect(compressions).toEqual(before);
    expect(compressions).toEqual({ br: 1, gzip: 1 });
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
