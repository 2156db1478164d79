/**
 * The gateway's node:http listener. A plain GraphQL request (a POST of JSON to the endpoint, answered as
 * JSON: what frontends and routers send) takes the direct path: its body is read here, executed by
 * direct-execution.ts, and answered with yoga's own `processRegularResult` (status from the errors'
 * `extensions.http`, internals removed) and the CORS headers of yoga's CORS plugin. Everything else goes to
 * yoga as it came: GraphiQL, GET, SSE, multipart, health, and every refusal.
 *
 * The HTTP-level rules that live in yoga's `onRequest`/`onRequestParse` hooks are asked here through the same
 * functions or hold by construction:
 * - the request guards (Content-Length, size, type): {@link postRefusal}; refused requests go to yoga;
 * - CSRF prevention concerns form and text/plain POSTs only; this path takes `application/json` only;
 * - request parsing: a body that is not JSON is replayed through yoga, which refuses it;
 * - the Accept header: {@link regularMediaType}, yoga's rule; SSE and multipart go to yoga.
 * What the direct path does not take (parameters yoga must check, a document it refuses, a subscription)
 * is replayed through yoga with the body already read. No request is executed twice: hand-backs happen only
 * before execution, and after it the answer is always this handler's.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { getCORSHeadersByRequestAndOptions } from '@whatwg-node/server';
import { processRegularResult } from 'graphql-yoga';
import type { ExecutionResult } from 'graphql';
import type { Gateway } from '../gateway.js';
import { MASKED_MESSAGE } from '../plugins/error-mask.js';
import { postRefusal } from '../plugins/use-request-guards.js';
import { NodeCaller } from './caller.js';
import { MediaTypeMemo, type RegularMediaType } from './regular-media-type.js';

/** The CORS options yoga is created with (gateway.ts passes the same object): all origins, credentials. */
export const CORS_OPTIONS = {};

/** What `processRegularResult` builds, captured instead of a Fetch Response. */
class CapturedResponse {
  constructor(
    readonly body: string,
    readonly init: { status: number; headers: Record<string, string> },
  ) {}
}
const CAPTURE = { Response: CapturedResponse } as unknown as Parameters<typeof processRegularResult>[1];

/** Whether yoga's JSON request parser takes this Content-Type (its isContentTypeMatch, for `application/json`). */
function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const comma = contentType.indexOf(',');
  const first = comma < 0 ? contentType : contentType.slice(0, comma);
  return first === 'application/json' || first.startsWith('application/json;');
}

/** The whole body of a request whose Content-Length the guards accepted; undefined if the client left. */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    request.once('error', () => resolve(undefined));
    request.once('close', () => {
      if (!request.complete) resolve(undefined);
    });
  });
}

/** How many requests each way took, since the handler was made (the tests check the path each request takes). */
export interface RequestHandlerStats {
  /** Executed on the direct path. */
  direct: number;
  /** Handed to yoga from the headers, unread. */
  yoga: number;
  /** Read here, then replayed through yoga (a refusal, a subscription, parameters yoga checks). */
  replayed: number;
}

export type RequestHandler = RequestListener & { readonly stats: RequestHandlerStats };

/** node:http listener: the direct path where it applies, yoga (a node listener itself) everywhere else. */
export function createRequestHandler(gateway: Pick<Gateway, 'yoga' | 'direct' | 'contextFor' | 'telemetry' | 'log' | 'config'>): RequestHandler {
  const { yoga, direct, telemetry, log } = gateway;
  const maxBodyBytes = gateway.config.maxBodyBytes;
  const endpoint = yoga.graphqlEndpoint;
  const stats: RequestHandlerStats = { direct: 0, yoga: 0, replayed: 0 };
  const mediaTypes = new MediaTypeMemo();

  /** Yoga answers a request whose body was read here: whatwg-node takes a `body` already read from it. */
  const replay = (request: IncomingMessage, response: ServerResponse, body: Buffer) => {
    stats.replayed++;
    (request as IncomingMessage & { body?: Buffer }).body = body;
    void yoga(request, response);
  };

  const send = (request: IncomingMessage, response: ServerResponse, caller: NodeCaller, result: ExecutionResult, mediaType: RegularMediaType) => {
    const { body, init } = processRegularResult(result, CAPTURE, mediaType) as unknown as CapturedResponse;
    const headers: Record<string, string | number> = { ...init.headers, 'content-length': Buffer.byteLength(body) };
    if (request.headers.origin !== undefined) {
      // (It reads the request's method and headers only.)
      const cors = getCORSHeadersByRequestAndOptions({ method: request.method, headers: caller.headers } as unknown as Request, CORS_OPTIONS);
      if (cors !== null) Object.assign(headers, cors);
    }
    response.writeHead(init.status, headers);
    response.end(body);
  };

  const serve = async (request: IncomingMessage, response: ServerResponse, mediaType: RegularMediaType) => {
    const body = await readBody(request);
    if (body === undefined) return;
    let params: unknown;
    try {
      params = JSON.parse(body.toString('utf8'));
    } catch {
      replay(request, response, body);
      return;
    }
    const caller = new NodeCaller(response, request);
    const record = telemetry.of(request);
    const running = direct.run(params, () => gateway.contextFor(caller, request), record);
    if (running === undefined) {
      replay(request, response, body);
      return;
    }
    stats.direct++;
    const result = await running;
    try {
      send(request, response, caller, result, mediaType);
    } catch (error) {
      // The operation ran: it is never run again. Only a bug gets here.
      log.error({ err: error }, 'could not send an answer');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ errors: [{ message: MASKED_MESSAGE }] }));
    }
  };

  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const headers = request.headers;
    const mediaType = request.method === 'POST' && request.url === endpoint && isJsonContentType(headers['content-type'])
      ? mediaTypes.of(headers.accept)
      : undefined;
    if (mediaType === undefined || postRefusal(headers['content-length'], headers['content-type'], maxBodyBytes) !== undefined) {
      stats.yoga++;
      void yoga(request, response);
      return;
    }
    serve(request, response, mediaType).catch((error: unknown) => {
      log.error({ err: error }, 'request handler failed');
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  };
  return Object.assign(handler, { stats });
}
