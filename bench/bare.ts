/**
 * The bare reference server: what a Node GraphQL server costs for the bench's two reads, with nothing else.
 * It is the yardstick the gateway is read against ("a Node GraphQL server can do this much"):
 *
 * - node:http, POST /graphql with a JSON body, nothing more (no GET, no GraphiQL, no limits, no logs);
 * - graphql-js 16 `execute` over the subset of the contract the bench's queries select (schema below);
 *   each document is parsed and validated once and cached by its query text;
 * - one undici Pool to the upstream, and per GraphQL field the upstream GET the gateway makes for it: the same
 *   path and query options, the same request headers (accept, prefer, a fresh client-request-id);
 * - resolvers as plain as they come: the OData entity mapped to the GraphQL object (global id, enum name)
 *   and graphql-js's default field resolver for the rest.
 *
 * It answers the same data as the gateway (the bench checks that, and that both sent the same upstream GET,
 * before it measures). No named closure is created per request: tsx, which runs this file, wraps every named
 * function it defines in a naming call.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { type DocumentNode, GraphQLError, buildSchema, execute, parse, validate } from 'graphql';
import { Pool } from 'undici';
import { ODataStatus } from '../src/odata/enums.js';
import { closeWithPool } from './loopback.js';

const SCHEMA = buildSchema(`
  enum ConnectionOperationStatus { UNSPECIFIED IN_PROGRESS COMPLETED FAILED UNKNOWN_FUTURE_VALUE }
  type ConnectionOperation { id: ID!  operationId: ID!  connectionId: ID!  status: ConnectionOperationStatus }
  type ConnectionOperationConnection { nodes: [ConnectionOperation!]! }
  type Query {
    connectionOperation(connectionId: ID!, operationId: ID!): ConnectionOperation
    connectionOperations(connectionId: ID!, first: Int): ConnectionOperationConnection!
  }
`);

/** The gateway's page size when `first` is not given (DEFAULT_PAGE_SIZE's default). */
const DEFAULT_PAGE_SIZE = 100;

/**
 * OData member → GraphQL enum value: the contract's table (src/odata/enums.ts) turned round. Any other member
 * reads as UNKNOWN_FUTURE_VALUE, as in the gateway.
 */
const STATUS = new Map<string, string>(Object.entries(ODataStatus).map(([name, member]) => [member, name]));

/** Cached documents stop being added beyond this many (the bench sends two). */
const MAX_DOCUMENTS = 1000;

interface ODataOperation {
  id: string;
  status?: string | null;
}

export interface BareOptions {
  /** The OData service root, e.g. `http://127.0.0.1:43123/beta`. */
  serviceRoot: string;
  /** Keep-alive connections to the upstream: the gateway's default (32), as the proxy has. */
  connections: number;
}

export function createBareServer(options: BareOptions): { server: http.Server; close(): Promise<void> } {
  const root = new URL(options.serviceRoot);
  const basePath = root.pathname.replace(/\/$/, '');
  const pool = new Pool(root.origin, { connections: options.connections, keepAliveTimeout: 30_000 });

  /** One upstream GET answered with JSON; `undefined` for a 404 (a read by key answers null then). */
  async function getJson(path: string): Promise<unknown> {
    const response = await pool.request({
      method: 'GET',
      path: basePath + path,
      headers: { accept: 'application/json', prefer: 'include-unknown-enum-members', 'client-request-id': randomUUID() },
    });
    if (response.statusCode === 404) {
      await response.body.dump();
      return undefined;
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new GraphQLError(`upstream answered ${response.statusCode}`);
    }
    return response.body.json();
  }

  function toOperation(connectionId: string, entity: ODataOperation) {
    return {
      // The gateway's global id: base64url of ["ConnectionOperation", connectionId, operationId].
      id: Buffer.from(JSON.stringify(['ConnectionOperation', connectionId, entity.id])).toString('base64url'),
      operationId: entity.id,
      connectionId,
      status: entity.status == null ? null : (STATUS.get(entity.status) ?? 'UNKNOWN_FUTURE_VALUE'),
    };
  }

  const rootValue = {
    async connectionOperation(args: { connectionId: string; operationId: string }) {
      const path = `/connections/${encodeURIComponent(args.connectionId)}/operations/${encodeURIComponent(args.operationId)}?$select=id%2Cstatus`;
      const entity = (await getJson(path)) as ODataOperation | undefined;
      return entity === undefined ? null : toOperation(args.connectionId, entity);
    },
    async connectionOperations(args: { connectionId: string; first?: number | null }) {
      const path = `/connections/${encodeURIComponent(args.connectionId)}/operations?$select=id%2Cstatus%2Cerror&$top=${args.first ?? DEFAULT_PAGE_SIZE}`;
      const page = (await getJson(path)) as { value: ODataOperation[] } | undefined;
      return { nodes: (page?.value ?? []).map((entity) => toOperation(args.connectionId, entity)) };
    },
  };

  const documents = new Map<string, DocumentNode>();

  /** The cached document of `query`, or the errors that make it unanswerable. */
  function documentOf(query: string): DocumentNode | readonly GraphQLError[] {
    let document = documents.get(query);
    if (document !== undefined) return document;
    try {
      document = parse(query);
    } catch (error) {
      return [error as GraphQLError];
    }
    const errors = validate(SCHEMA, document);
    if (errors.length > 0) return errors;
    if (documents.size < MAX_DOCUMENTS) documents.set(query, document);
    return document;
  }

  function send(res: http.ServerResponse, status: number, result: unknown): void {
    const json = JSON.stringify(result);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  }

  async function answer(body: string, res: http.ServerResponse): Promise<void> {
    const { query, variables, operationName } = JSON.parse(body) as { query?: unknown; variables?: Record<string, unknown>; operationName?: string };
    const document = typeof query === 'string' ? documentOf(query) : [new GraphQLError('query must be a string')];
    if (Array.isArray(document)) {
      send(res, 400, { errors: document });
      return;
    }
    const result = await execute({ schema: SCHEMA, document: document as DocumentNode, rootValue, variableValues: variables, operationName });
    send(res, 200, result);
  }

  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/graphql') {
      send(res, 404, { errors: [{ message: 'POST /graphql only' }] });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      answer(Buffer.concat(chunks).toString('utf8'), res).catch((error: unknown) => {
        if (!res.headersSent) send(res, 400, { errors: [{ message: error instanceof Error ? error.message : String(error) }] });
      });
    });
  });

  return { server, close: () => closeWithPool(server, pool) };
}
