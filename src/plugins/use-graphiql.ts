/**
 * Serves the GraphiQL page from the files `npm run build` wrote (../graphiql/build-page.ts: the bundled,
 * offline GraphiQL with the gateway's tabs and the tabs fix, and its br and gzip forms). The gateway never
 * imports GraphiQL's 9 MB bundle nor holds the page: each response streams one file from disk, so serving
 * the page leaves nothing on the heap (test/gateway/graphiql-memory.test.ts). yoga's own GraphiQL is off
 * (`graphiql: false` in ../gateway.ts); this plugin answers the requests it would have answered: a GET to the
 * GraphQL endpoint that accepts text/html (yoga's `shouldRenderGraphiQL`).
 *
 * - `br` or `gzip` by the request's Accept-Encoding (q-values honoured, br preferred), identity otherwise;
 *   always `Vary: Accept-Encoding`, and the Content-Length of the file sent.
 * - An entity tag per file, and `Cache-Control: no-cache`: a browser revalidates the page on each visit and
 *   gets a 304 without the 2 MB while the build has not changed it.
 * - Page files missing (src/ run without `npm run build`): 503, with the command to run in the log.
 */
import { ServerResponse } from 'node:http';
import { shouldRenderGraphiQL, type FetchAPI, type Plugin, type YogaLogger } from 'graphql-yoga';
import { negotiateEncoding } from '../graphiql/accept-encoding.js';
import { openPage, type OpenedPage } from '../graphiql/open-page.js';
import { PAGE_DIRECTORY } from '../graphiql/page-files.js';

export interface GraphiQLPageOptions {
  /** Where the page files are; the build's directory unless a test points elsewhere. */
  directory?: URL;
}

/** Whether an If-None-Match header names this entity tag (weak comparison, RFC 9110 section 13.1.2). */
function matchesEntityTag(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

export function useGraphiQLPage({ directory = PAGE_DIRECTORY }: GraphiQLPageOptions = {}): Plugin {
  let logger: YogaLogger | undefined;
  let endpoint = '/graphql';

  /**
   * The page file's bytes. A read that fails once the answer has begun (EIO on a failing disk, a stale network
   * file) is an 'error' on the file's stream, which nothing else listens to: unheard, it would end the process.
   * The status and Content-Length are out by then, so the honest end is to cut the connection (`response`,
   * node's, when yoga runs on node:http), which tells the client the page is incomplete.
   */
  const pageBody = (page: OpenedPage, response: ServerResponse | undefined) => {
    const body = page.stream();
    body.on('error', (error) => {
      logger?.error('GraphiQL page: reading its file failed; the answer was cut off', error);
      response?.destroy();
    });
    return body;
  };

  const respond = async (request: Request, fetchAPI: FetchAPI, response: ServerResponse | undefined): Promise<Response> => {
    const encoding = negotiateEncoding(request.headers.get('accept-encoding'));
    let page: OpenedPage;
    try {
      page = await openPage(directory, encoding);
    } catch (error) {
      logger?.error('GraphiQL page: its files cannot be read; `npm run build` writes them (dist/graphiql-page/)', error);
      return new fetchAPI.Response('The GraphiQL page has not been built.', { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    }
    const headers: Record<string, string> = { vary: 'Accept-Encoding', etag: page.etag, 'cache-control': 'no-cache' };
    if (matchesEntityTag(request.headers.get('if-none-match'), page.etag)) {
      await page.close();
      return new fetchAPI.Response(null, { status: 304, headers });
    }
    headers['content-type'] = 'text/html; charset=utf-8';
    headers['content-length'] = String(page.size);
    if (encoding !== undefined) headers['content-encoding'] = encoding;
    // whatwg-node's Response (yoga's fetchAPI on Node) takes a Node stream as the body, pipes it into the
    // socket and destroys it (closing the file) when the response closes, a client leaving mid-page
    // included; lib.dom's BodyInit does not name Node streams.
    return new fetchAPI.Response(pageBody(page, response) as unknown as BodyInit, { status: 200, headers });
  };

  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
      endpoint = yoga.graphqlEndpoint;
    },
    // Not async: every other request passes through without a promise to wait for.
    onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      if (!shouldRenderGraphiQL(request) || (url.pathname !== endpoint && url.pathname !== `${endpoint}/`)) return;
      // (yoga on node:http puts node's response in the server context as `res`.)
      const res: unknown = (serverContext as { res?: unknown }).res;
      return respond(request, fetchAPI, res instanceof ServerResponse ? res : undefined).then(endResponse);
    },
  };
}
