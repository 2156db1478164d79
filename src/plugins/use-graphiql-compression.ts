/**
 * Serves the GraphiQL page compressed. The bundled, offline GraphiQL (@graphql-yoga/render-graphiql) is one
 * self-contained HTML page of about 9 MB (React, Monaco and its workers, fonts as data: URLs), which yoga
 * renders and sends uncompressed on every visit. Compressed it is about 1.9 MB (br) or 2.4 MB (gzip).
 *
 * - Only the GraphiQL page: a 200 `text/html` answer to a GET (the only HTML this gateway serves; yoga's
 *   GraphiQL plugin answers before any user plugin, so this one rewrites the response). GraphQL responses
 *   pass through untouched.
 * - `br` or `gzip` by the request's Accept-Encoding (q-values honoured, br preferred), identity otherwise;
 *   always `Vary: Accept-Encoding`, and a Content-Length for the bytes actually sent.
 * - Compressed once and reused: each encoding is compressed lazily, on the first request that asks for it
 *   (off the event loop, in zlib's thread pool; concurrent first requests share it), not at start-up, so the
 *   gateway starts as fast as before. The cache is keyed by the page's exact text, so a different page
 *   (other GraphiQL options) is never answered with stale bytes.
 * - `prepare` may rewrite the page once before it is cached (the GraphiQL tabs fix).
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin, YogaLogger } from 'graphql-yoga';

export type ContentEncoding = 'br' | 'gzip';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Brotli quality 6: for this page ~0.2 s once for 1.9 MB. Quality 9 saves another 3% for three times the
 * time; quality 11 saves 10% but takes about 11 s.
 */
const BROTLI_QUALITY = 6;

function compress(body: Buffer, encoding: ContentEncoding): Promise<Buffer> {
  if (encoding === 'gzip') return gzipAsync(body);
  return brotli(body, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}

/** The encoding to send for an Accept-Encoding header: br or gzip when acceptable (q > 0), else identity. */
export function negotiateEncoding(acceptEncoding: string | null): ContentEncoding | undefined {
  if (!acceptEncoding) return undefined;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...parameters] = part.split(';').map((piece) => piece.trim());
    if (!name) continue;
    let q = 1;
    for (const parameter of parameters) {
      const match = /^q=([0-9.]+)$/i.exec(parameter);
      if (match) q = Number(match[1]);
    }
    weights.set(name.toLowerCase(), Number.isFinite(q) ? q : 0);
  }
  const weight = (name: string) => weights.get(name) ?? weights.get('*') ?? 0;
  const br = weight('br');
  const gz = Math.max(weight('gzip'), weights.get('x-gzip') ?? 0);
  if (br > 0 && br >= gz) return 'br';
  if (gz > 0) return 'gzip';
  return undefined;
}

interface CachedPage {
  /** The page as yoga rendered it: the cache key. */
  source: string;
  identity: Buffer;
  encoded: Map<ContentEncoding, Promise<Buffer>>;
}

export interface GraphiQLCompressionOptions {
  /** Rewrites the page once before it is cached; undefined keeps it unchanged. */
  prepare?: (html: string) => string | undefined;
}

export function useGraphiQLCompression({ prepare }: GraphiQLCompressionOptions = {}): Plugin {
  let logger: YogaLogger | undefined;
  let cached: CachedPage | undefined;

  const pageFor = (source: string): CachedPage => {
    if (cached?.source === source) return cached;
    let html = source;
    if (prepare) {
      const prepared = prepare(source);
      if (prepared === undefined) logger?.warn('GraphiQL page: unexpected structure, served without the tabs fix');
      else html = prepared;
    }
    cached = { source, identity: Buffer.from(html, 'utf8'), encoded: new Map() };
    return cached;
  };

  const encodedBody = async (page: CachedPage, encoding: ContentEncoding): Promise<Buffer | undefined> => {
    let body = page.encoded.get(encoding);
    if (!body) {
      const started = performance.now();
      body = compress(page.identity, encoding);
      page.encoded.set(encoding, body);
      body.then(
        (bytes) => logger?.info(`GraphiQL page compressed once (${encoding}): ${page.identity.length} → ${bytes.length} bytes in ${Math.round(performance.now() - started)} ms`),
        () => undefined,
      );
    }
    try {
      return await body;
    } catch (error) {
      page.encoded.delete(encoding);
      logger?.error(`GraphiQL page: ${encoding} compression failed, served uncompressed`, error);
      return undefined;
    }
  };

  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },
    async onResponse({ request, response, setResponse, fetchAPI }) {
      if (request.method !== 'GET' || response.status !== 200) return;
      if (!response.headers.get('content-type')?.startsWith('text/html') || response.headers.has('content-encoding')) return;
      const page = pageFor(await response.text());
      const encoding = negotiateEncoding(request.headers.get('accept-encoding'));
      const encoded = encoding ? await encodedBody(page, encoding) : undefined;
      const body = encoded ?? page.identity;

      const headers = new fetchAPI.Headers(response.headers);
      const vary = headers.get('vary');
      if (!vary?.split(',').some((name) => name.trim().toLowerCase() === 'accept-encoding')) {
        headers.set('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
      }
      if (encoded && encoding) headers.set('content-encoding', encoding);
      headers.set('content-length', String(body.length));
      // A Buffer is a Uint8Array; lib.dom's BodyInit only names the ArrayBuffer-backed kind.
      setResponse(new fetchAPI.Response(body as Uint8Array<ArrayBuffer>, { status: response.status, statusText: response.statusText, headers }));
    },
  };
}
