/**
 * The lean handler: serves the common GraphQL request (a POST of JSON to the endpoint, answered as JSON)
 * on node:http without yoga's Fetch-API layer, and hands everything else to yoga as it came.
 *
 * It is not a second GraphQL server. It runs yoga's own GraphQL pipeline, `getResultForParams` (the
 * `onParams` hooks: persisted queries, nesting limits, yoga's parameter checks; then envelop's parse,
 * validate, context, execute with every plugin: document limits, budget, error codes, masking, the request
 * records; then the `onExecutionResult` hooks), and answers with yoga's own `processRegularResult` (status from
 * the errors' `extensions.http`, internals removed) and the CORS headers of yoga's CORS plugin. What it
 * skips is what yoga does around that pipeline for every request: a Fetch `Request` with its Headers copy,
 * URL and body stream, the request-parser and result-processor selection, and a Fetch `Response`.
 *
 * The HTTP-level rules that live in yoga's `onRequest`/`onRequestParse` hooks are asked here through the
 * same functions or hold by construction:
 * - the request guards (Content-Length, size, type): {@link postRefusal}; refused requests go to yoga;
 * - CSRF prevention concerns form and text/plain POSTs only; this path takes `application/json` only;
 * - request parsing: a body that is not JSON goes to yoga; one that is not a request object (an array, `null`)
 *   is refused by yoga's parameter check below, and so replayed;
 * - the Accept header: {@link regularMediaType}, yoga's rule; SSE and multipart go to yoga.
 * Whatever yoga would refuse before execution (a malformed parameter, a hash mismatch, a document too
 * deep) makes `getResultForParams` throw before any resolver runs; the request is then replayed through
 * yoga, which answers it as it always does. A subscription is handed back the same way, before its
 * stream is read. No request is executed twice: hand-backs happen only before execution, and after it the
 * answer is always this handler's.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { getCORSHeadersByRequestAndOptions } from '@whatwg-node/server';
import { processRegularResult, type GraphQLParams } from 'graphql-yoga';
import type { ExecutionResult } from 'graphql';
import type { Logger } from 'pino';
import type { GatewayYoga } from '../gateway.js';
import { postRefusal } from '../plugins/use-request-guards.js';
import { LeanRequest } from './lean-request.js';
import { regularMediaType, type RegularMediaType } from './regular-media-type.js';

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
  const first = contentType?.split(',')[0];
  return first === 'application/json' || first?.startsWith('application/json;') === true;
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
export interface LeanHandlerStats {
  /** Answered by the lean path. */
  lean: number;
  /** Handed to yoga from the headers, unread. */
  yoga: number;
  /** Read here, then replayed through yoga (refused before execution, or a subscription). */
  replayed: number;
}

export type LeanHandler = RequestListener & { readonly stats: LeanHandlerStats };

export interface LeanHandlerOptions {
  yoga: GatewayYoga;
  maxBodyBytes: number;
  log: Logger;
}

/** node:http listener: the lean path where it applies, yoga (a node listener itself) everywhere else. */
export function createLeanHandler({ yoga, maxBodyBytes, log }: LeanHandlerOptions): LeanHandler {
  const endpoint = yoga.graphqlEndpoint;
  const stats: LeanHandlerStats = { lean: 0, yoga: 0, replayed: 0 };

  /** Yoga answers a request whose body was read here: whatwg-node takes a `body` already read from it. */
  const replay = (request: IncomingMessage, response: ServerResponse, body: Buffer) => {
    stats.replayed++;
    (request as IncomingMessage & { body?: Buffer }).body = body;
    void yoga(request, response);
  };

  const send = (response: ServerResponse, request: LeanRequest, result: ExecutionResult, mediaType: RegularMediaType) => {
    const { body, init } = processRegularResult(result, CAPTURE, mediaType) as unknown as CapturedResponse;
    const headers: Record<string, string | number> = { ...init.headers, 'content-length': Buffer.byteLength(body) };
    const cors = getCORSHeadersByRequestAndOptions(request as unknown as Request, CORS_OPTIONS);
    if (cors !== null) Object.assign(headers, cors);
    response.writeHead(init.status, headers);
    response.end(body);
  };

  const serve = async (request: IncomingMessage, response: ServerResponse, mediaType: RegularMediaType) => {
    const body = await readBody(request);
    if (body === undefined) return;
    // Any JSON value: yoga's parameter check (an onParams hook) refuses what is not a request object.
    let params: GraphQLParams;
    try {
      params = JSON.parse(body.toString('utf8'));
    } catch {
      replay(request, response, body);
      return;
    }
    const lean = new LeanRequest(request, response, 'http://localhost');
    const serverContext = { req: request, res: response, request: lean };
    let result;
    try {
      // (yoga's pipeline reads only what LeanRequest has of a Request: see lean-request.ts)
      result = await yoga.getResultForParams({ params, request: lean as unknown as Request }, serverContext);
    } catch {
      // An onParams hook refused the parameters; nothing ran. Yoga answers it as always.
      replay(request, response, body);
      return;
    }
    if (result === undefined || Symbol.asyncIterator in result) {
      // A subscription: yoga answers it (SSE, or its refusal). The executor starts a subscription's source
      // only when its stream is first read, so this attempt started no watch (the lean-handler test checks).
      replay(request, response, body);
      return;
    }
    stats.lean++;
    try {
      send(response, lean, result, mediaType);
    } catch (error) {
      // The operation ran: it is never run again. Only a bug gets here.
      log.error({ err: error }, 'lean handler could not send an answer');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ errors: [{ message: 'Unexpected error.' }] }));
    }
  };

  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const headers = request.headers;
    const mediaType = request.method === 'POST' && request.url === endpoint && isJsonContentType(headers['content-type'])
      ? regularMediaType(headers.accept)
      : undefined;
    if (mediaType === undefined || postRefusal(headers['content-length'], headers['content-type'], maxBodyBytes) !== undefined) {
      stats.yoga++;
      void yoga(request, response);
      return;
    }
    serve(request, response, mediaType).catch((error: unknown) => {
      log.error({ err: error }, 'lean handler failed');
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  };
  return Object.assign(handler, { stats });
}
