/**
 * Routes, methods and status codes of the service: one synchronous function from a transport-neutral
 * {@link ServiceRequest} to a {@link ServiceResponse}. It knows nothing about sockets, faults, latency or
 * `$batch` framing, so top-level requests and batch parts share it unchanged.
 *
 * | resource                                   | methods (`seed` operations API) | `graph` operations API |
 * |--------------------------------------------|---------------------------------|------------------------|
 * | `/`  (service document)                    | GET                             |                        |
 * | `/$metadata`                               | GET                             |                        |
 * | `/external`                                | GET                             |                        |
 * | `/{cs}`  (`$select $top $count`)           | GET, POST (create)              |                        |
 * | `/{cs}/{cid}`  (`$select`)                 | GET, DELETE (202 + operation)   |                        |
 * | `/{cs}/{cid}/schema`                       | GET, PATCH, POST (202 + op.)    |                        |
 * | `/{cs}/{cid}/operations`                   | GET, POST                       | GET 400, others 405    |
 * | `/{cs}/{cid}/operations/$count`            | GET                             | GET 400, others 405    |
 * | `/{cs}/{cid}/operations/$ref`              | POST                            | 405                    |
 * | `/{cs}/{cid}/operations/{id}` or `('id')`  | GET, PATCH, DELETE              | GET; others 405        |
 *
 * `{cs}` is `connections` or `external/connections` (same data); in the v1.0 mode only `external/connections`,
 * as in Graph v1.0, whose CSDL has no `connections` entity set. Both collections page the same way
 * (paging.ts): `$skip` refused or ignored, next links with an opaque `$skiptoken`, uneven and empty pages.
 * The operations Graph starts itself (schema registration, connection deletion) run in lifecycle.ts; every
 * request first settles the ones that are due, so it sees their outcome.
 */
import { matchingOperations } from './collection.js';
import { CONNECTION_PROPERTIES, connectionBody, connectionJson, connectionsContext, connectionsPage } from './connections.js';
import { badRequest, itemNotFound, ODataError, segmentNotFound } from './errors.js';
import { type RequestBody, type ServiceRequest, type ServiceResponse, odataErrorResponse } from './exchange.js';
import type { LifecycleSwitches, OperationRunner, OperationsApi } from './lifecycle.js';
import { metadataV1Xml } from './metadata-v1.js';
import { metadataXml } from './metadata.js';
import type { ApiVersion } from './model.js';
import { type PagingContext, type PagingSwitches, pageOf } from './paging.js';
import { parseConnectionPayload, parseOperationPayload } from './payload.js';
import { type PathFamily, type Resource, resolveResource, segmentsUnderBase } from './paths.js';
import { type QueryEntry, type SystemQueryOption, nextLinkQuery, parseQueryOptions, parseQueryString } from './query-options.js';
import { connectionUrl, operationContext, operationJson, operationUrl, operationsContext, schemaBody, schemaContext } from './representation.js';
import { parseSchemaPayload } from './schema-payload.js';
import { schemaProblems } from './schema-rules.js';
import { type SkipTokenCodec, createSkipTokenCodec } from './skiptoken.js';
import type { ODataStore, StoredOperation } from './store.js';

export interface RouterOptions {
  store: ODataStore;
  /** Base path segments, e.g. ['beta']. */
  base: readonly string[];
  basePath: string;
  pageSize: () => number;
  /** The paging switches in force (they can change at run time). */
  paging: () => Readonly<PagingSwitches>;
  /** Issues and checks `$skiptoken`s. Default: a codec with a random key of its own. */
  skipTokens?: SkipTokenCodec;
  quirks?: ServiceQuirks;
  /** Error shape, `$metadata` and path families (see ODataServiceOptions.apiVersion). Default `beta`. */
  apiVersion?: ApiVersion;
  /** Which operations API is served (see ODataServiceOptions.operationsApi). */
  operationsApi: OperationsApi;
  /** The operations Graph starts itself (schema registration, connection deletion). */
  operations: OperationRunner;
  /** How schema registration and connection deletion answer (they can change at run time). */
  lifecycle: () => Readonly<LifecycleSwitches>;
}

/** Ways real OData services differ from Graph that a client must tolerate; tests switch them on. */
export interface ServiceQuirks {
  /** Answer entities wrapped as `{"@odata.context", "value": {...}}` instead of bare. */
  wrapEntities?: boolean;
  /** Answer every PATCH with 204 No Content, whatever the Prefer header says. */
  patchNoContent?: boolean;
  /**
   * Standard OData `$top`: it limits the whole result (no next link past `$top` items), instead of Graph's
   * page size. Pages are then cut at the server page size, uneven and empty ones included (paging.ts).
   */
  topEndsCollection?: boolean;
}

export type Router = (req: ServiceRequest) => ServiceResponse;

const ALLOWED_METHODS: Record<Resource['kind'], readonly string[]> = {
  serviceDocument: ['GET'],
  metadata: ['GET'],
  batch: ['POST'],
  external: ['GET'],
  connections: ['GET', 'POST'],
  connection: ['GET', 'DELETE'],
  schema: ['GET', 'PATCH', 'POST'],
  operations: ['GET', 'POST'],
  operationsCount: ['GET'],
  operationsRef: ['POST'],
  operation: ['GET', 'PATCH', 'DELETE'],
};

/**
 * The `graph` operations API (Graph today): an operation is read by id, nothing else. Listing (the collection
 * and its `$count`) is a 400 (Graph refuses the query); any other method on these resources is a 405.
 */
const GRAPH_OPERATION_METHODS: Partial<Record<Resource['kind'], readonly string[]>> = {
  operations: [],
  operationsCount: [],
  operationsRef: [],
  operation: ['GET'],
};

/** Query options each (resource, method) accepts; everything else starting with `$` is a 400. */
function allowedOptions(kind: Resource['kind'], method: string): readonly SystemQueryOption[] {
  if (kind === 'operations' && method === 'GET') return ['$select', '$filter', '$orderby', '$top', '$skip', '$count', '$skiptoken'];
  if (kind === 'operationsCount') return ['$filter'];
  if (kind === 'operation' && method !== 'DELETE') return ['$select'];
  if ((kind === 'operations' || kind === 'operationsRef') && method === 'POST') return ['$select'];
  return [];
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): ServiceResponse {
  return { status, headers, json: body };
}

/** `If-Match`: absent → ok; `*` → ok; else one of the listed ETags must equal the current one exactly. */
function checkIfMatch(headers: Readonly<Record<string, string>>, current: { etag: string }, what: 'operation' | 'connection' = 'operation'): void {
  const ifMatch = headers['if-match'];
  if (ifMatch === undefined) return;
  const tags = ifMatch.split(',').map((tag) => tag.trim());
  if (tags.includes('*') || tags.includes(current.etag)) return;
  throw new ODataError(
    412,
    'PreconditionFailed',
    `The If-Match value '${ifMatch}' does not match the current ETag of the ${what}; read it again and retry.`,
  );
}

function prefersMinimal(headers: Readonly<Record<string, string>>): boolean {
  return (headers['prefer'] ?? '')
    .split(',')
    .some((preference) => preference.trim().toLowerCase() === 'return=minimal');
}

/** The JSON value of a write request, or a 400/415. */
function requireJsonBody(req: ServiceRequest): unknown {
  const contentType = req.headers['content-type'];
  if (contentType !== undefined && !/json/i.test(contentType)) {
    throw new ODataError(415, 'UnsupportedMediaType', `Content-Type '${contentType}' is not supported; send application/json.`);
  }
  const body: RequestBody = req.body;
  if (body.kind === 'none') throw badRequest('The request body is empty; a JSON object is required.');
  if (body.kind === 'invalid') throw badRequest('The request body is not valid JSON.');
  return body.value;
}

export function createRouter(options: RouterOptions): Router {
  const { store } = options;
  const apiVersion = options.apiVersion ?? 'beta';
  const { operationsApi, lifecycle, operations: runner } = options;
  const skipTokens = options.skipTokens ?? createSkipTokenCodec();

  function paging(): PagingContext {
    return { switches: options.paging(), pageSize: options.pageSize(), topEndsCollection: options.quirks?.topEndsCollection === true, tokens: skipTokens };
  }

  function root(req: ServiceRequest): string {
    return `${req.origin}${options.basePath}`;
  }

  function requireConnection(connectionId: string, tenant: string): void {
    if (!store.getConnection(connectionId, tenant)) throw itemNotFound(`The connection '${connectionId}' was not found.`);
  }

  function requireOperation(connectionId: string, id: string, tenant: string): StoredOperation {
    requireConnection(connectionId, tenant);
    const op = store.getOperation(connectionId, id, tenant);
    if (!op) throw itemNotFound(`The operation '${id}' was not found in connection '${connectionId}'.`);
    return op;
  }

  function entityResponse(status: number, req: ServiceRequest, family: PathFamily, connectionId: string, op: StoredOperation, select: ReturnType<typeof parseQueryOptions>['select'], headers: Record<string, string> = {}): ServiceResponse {
    const context = operationContext(root(req), family, connectionId, select);
    const body = options.quirks?.wrapEntities
      ? { '@odata.context': context, value: operationJson(op, select) }
      : { '@odata.context': context, ...operationJson(op, select) };
    return json(status, body, { etag: op.etag, ...headers });
  }

  function listOperations(req: ServiceRequest, family: PathFamily, connectionId: string, entries: readonly QueryEntry[]): ServiceResponse {
    const query = parseQueryOptions(entries, allowedOptions('operations', 'GET'), 'the operations collection');
    requireConnection(connectionId, req.tenant);
    const matching = matchingOperations(store.listOperations(connectionId, req.tenant), query);
    const page = pageOf(
      matching,
      { collection: ['operations', family, connectionId], entries, top: query.top, skip: query.skip, skiptoken: query.skiptoken },
      paging(),
    );
    const body: Record<string, unknown> = { '@odata.context': operationsContext(root(req), family, connectionId, query.select) };
    if (query.count) body['@odata.count'] = matching.length;
    body['value'] = page.items.map((op) => operationJson(op, query.select));
    if (page.nextSkipToken !== undefined) body['@odata.nextLink'] = `${req.origin}${req.rawPath}?${nextLinkQuery(entries, page.nextSkipToken)}`;
    return json(200, body);
  }

  function createOperation(req: ServiceRequest, family: PathFamily, connectionId: string, select: ReturnType<typeof parseQueryOptions>['select']): ServiceResponse {
    const payload = parseOperationPayload(requireJsonBody(req), apiVersion);
    const id = payload.id ?? crypto.randomUUID();
    const result = store.insertOperation(connectionId, { id, status: payload.status ?? null, error: payload.error ?? null }, req.tenant);
    if (!result.ok) {
      if (result.reason === 'connection-not-found') throw itemNotFound(`The connection '${connectionId}' was not found.`);
      throw new ODataError(409, 'Conflict', `An operation with id '${id}' already exists in connection '${connectionId}'.`);
    }
    return entityResponse(201, req, family, connectionId, result.operation, select, {
      location: operationUrl(root(req), family, connectionId, id),
    });
  }

  /** `POST {cs}`: 201 with the new connection (`draft`), its Location and ETag; 409 when the id exists. */
  function createConnection(req: ServiceRequest, family: PathFamily, entries: readonly QueryEntry[]): ServiceResponse {
    parseQueryOptions(entries, [], 'POST of an externalConnection');
    const payload = parseConnectionPayload(requireJsonBody(req), apiVersion);
    const result = store.insertConnection({ id: payload.id, name: payload.name, description: payload.description, state: 'draft' }, req.tenant);
    if (!result.ok) throw new ODataError(409, 'Conflict', `A connection with id '${payload.id}' already exists.`);
    const { connection } = result;
    const body = { '@odata.context': `${connectionsContext(root(req), family, CONNECTION_PROPERTIES)}/$entity`, ...connectionJson(connection, CONNECTION_PROPERTIES) };
    return json(201, body, { location: connectionUrl(root(req), family, connection.id), etag: connection.etag });
  }

  /**
   * `DELETE {cs}/{cid}`: by default 202 + the Location of a new `inprogress` operation, the connection gone
   * when it settles; a second DELETE meanwhile answers the same. `accepted`: 202 without a Location;
   * `noContent`: 204, gone at once.
   */
  function deleteConnection(req: ServiceRequest, family: PathFamily, connectionId: string, entries: readonly QueryEntry[]): ServiceResponse {
    parseQueryOptions(entries, [], 'DELETE of an externalConnection');
    const connection = store.getConnection(connectionId, req.tenant);
    if (!connection) throw itemNotFound(`The connection '${connectionId}' was not found.`);
    checkIfMatch(req.headers, connection, 'connection');
    const accepted = (operationId: string | undefined): ServiceResponse => ({
      status: 202,
      headers: operationId === undefined ? {} : { location: operationUrl(root(req), family, connectionId, operationId) },
    });
    const running = runner.deletion(req.tenant, connectionId);
    if (running) return accepted(running.operationId);
    const mode = lifecycle().connectionDeletion;
    if (mode === 'noContent') {
      runner.dropJobs(req.tenant, connectionId);
      store.deleteConnection(connectionId, req.tenant);
      return { status: 204, headers: {} };
    }
    return accepted(runner.startDeletion(req.tenant, connectionId, mode === 'operation'));
  }

  /** `GET {cs}/{cid}/schema`: 200 with the registered schema; 404 when none is registered. */
  function readSchema(req: ServiceRequest, family: PathFamily, connectionId: string): ServiceResponse {
    requireConnection(connectionId, req.tenant);
    const schema = store.getSchema(connectionId, req.tenant);
    if (!schema) throw itemNotFound(`The connection '${connectionId}' has no schema registered.`);
    return json(200, schemaBody(schemaContext(root(req), family, connectionId), schema));
  }

  /**
   * `PATCH`/`POST {cs}/{cid}/schema`: the body is checked first (400 at once, nothing started), then the
   * connection (404), then running operations (409); by default 202 + the Location of a new `inprogress`
   * operation, which lifecycle.ts settles; `ok`/`created`: registered at once (the rules a 400), 200/201 with it.
   */
  function registerSchema(req: ServiceRequest, family: PathFamily, connectionId: string): ServiceResponse {
    const schema = parseSchemaPayload(requireJsonBody(req), apiVersion);
    requireConnection(connectionId, req.tenant);
    if (runner.deletion(req.tenant, connectionId)) throw new ODataError(409, 'Conflict', `The connection '${connectionId}' is being deleted.`);
    const running = runner.registration(req.tenant, connectionId);
    if (running) {
      throw new ODataError(409, 'Conflict', `A schema registration is already running for connection '${connectionId}' (operation '${running.operationId}'); wait until it ends.`);
    }
    const mode = lifecycle().schemaRegistration;
    if (mode === 'operation') {
      const operationId = runner.startRegistration(req.tenant, connectionId, schema);
      return { status: 202, headers: { location: operationUrl(root(req), family, connectionId, operationId) } };
    }
    const problems = schemaProblems(schema);
    if (problems.length > 0) {
      throw badRequest(`The schema is not valid: ${problems.map((problem) => `${problem.target}: ${problem.message}`).join(' ')}`);
    }
    store.putSchema(connectionId, schema, req.tenant);
    store.putConnection({ id: connectionId, state: 'ready' }, req.tenant);
    const body = schemaBody(schemaContext(root(req), family, connectionId), schema);
    if (mode === 'ok') return json(200, body);
    return json(201, body, { location: `${connectionUrl(root(req), family, connectionId)}/schema` });
  }

  function handle(req: ServiceRequest): ServiceResponse {
    runner.settleDue();
    const segments = segmentsUnderBase(req.rawPath, options.base);
    if (segments === undefined) throw segmentNotFound(req.rawPath);
    const resource = resolveResource(segments);
    if (apiVersion === 'v1.0' && 'family' in resource && resource.family === 'connections') throw segmentNotFound('connections');
    const graphMethods = operationsApi === 'graph' ? GRAPH_OPERATION_METHODS[resource.kind] : undefined;
    if (graphMethods !== undefined && req.method === 'GET' && (resource.kind === 'operations' || resource.kind === 'operationsCount')) {
      throw badRequest(
        "Listing the operations of a connection is not supported: Microsoft Graph reads one connectionOperation by its id (GET …/operations/{id}), the one a schema registration's or a connection deletion's Location names.",
      );
    }
    const allowed = graphMethods ?? ALLOWED_METHODS[resource.kind];
    if (!allowed.includes(req.method)) {
      const list = allowed.length > 0 ? allowed.join(', ') : 'none (Microsoft Graph creates and ends operations itself)';
      throw new ODataError(405, 'MethodNotAllowed', `The method '${req.method}' is not allowed on this resource; allowed: ${list}.`, {
        allow: allowed.join(', '),
      });
    }
    const entries = parseQueryString(req.rawQuery);
    const query = (resource.kind === 'operations' && req.method === 'GET') || resource.kind === 'connections' || resource.kind === 'connection'
      ? undefined // these parse their own options (a wider set, or externalConnection's $select)
      : parseQueryOptions(entries, allowedOptions(resource.kind, req.method), `${req.method} of this resource`);

    switch (resource.kind) {
      case 'serviceDocument':
        return json(200, {
          '@odata.context': `${root(req)}/$metadata`,
          value: [
            ...(apiVersion === 'beta' ? [{ name: 'connections', kind: 'EntitySet', url: 'connections' }] : []),
            { name: 'external', kind: 'Singleton', url: 'external' },
          ],
        });
      case 'metadata':
        return { status: 200, headers: { 'content-type': 'application/xml' }, text: apiVersion === 'beta' ? metadataXml() : metadataV1Xml() };
      case 'batch':
        throw badRequest('A $batch request cannot be nested inside a $batch request.');
      case 'external':
        return json(200, { '@odata.context': `${root(req)}/$metadata#external`, id: 'external' });
      case 'connections':
        if (req.method === 'POST') return createConnection(req, resource.family, entries);
        return json(
          200,
          connectionsPage(store.listConnections(req.tenant), {
            root: root(req),
            family: resource.family,
            url: `${req.origin}${req.rawPath}`,
            entries,
            paging: paging(),
          }),
        );
      case 'connection': {
        if (req.method === 'DELETE') return deleteConnection(req, resource.family, resource.connectionId, entries);
        const connection = store.getConnection(resource.connectionId, req.tenant);
        if (!connection) throw itemNotFound(`The connection '${resource.connectionId}' was not found.`);
        return json(200, connectionBody(root(req), resource.family, connection, entries), { etag: connection.etag });
      }
      case 'schema':
        if (req.method === 'GET') return readSchema(req, resource.family, resource.connectionId);
        return registerSchema(req, resource.family, resource.connectionId);
      case 'operationsCount': {
        requireConnection(resource.connectionId, req.tenant);
        const count = matchingOperations(store.listOperations(resource.connectionId, req.tenant), { orderby: [], filter: query?.filter }).length;
        return { status: 200, headers: { 'content-type': 'text/plain;charset=utf-8' }, text: String(count) };
      }
      case 'operations':
        if (req.method === 'GET') return listOperations(req, resource.family, resource.connectionId, entries);
        return createOperation(req, resource.family, resource.connectionId, query?.select);
      case 'operationsRef':
        // Adding a contained operation "by reference" with its full JSON behaves like a create.
        return createOperation(req, resource.family, resource.connectionId, query?.select);
      case 'operation': {
        const { family, connectionId, operationId } = resource;
        if (req.method === 'GET') {
          return entityResponse(200, req, family, connectionId, requireOperation(connectionId, operationId, req.tenant), query?.select);
        }
        if (req.method === 'DELETE') {
          checkIfMatch(req.headers, requireOperation(connectionId, operationId, req.tenant));
          store.deleteOperation(connectionId, operationId, req.tenant);
          return { status: 204, headers: {} };
        }
        // PATCH: validate the body before looking the entity up, as Graph does (400 beats 404).
        const payload = parseOperationPayload(requireJsonBody(req), apiVersion);
        if (payload.id !== undefined && payload.id !== operationId) {
          throw badRequest(`The key property 'id' cannot be changed (body has '${payload.id}', the URL addresses '${operationId}').`);
        }
        checkIfMatch(req.headers, requireOperation(connectionId, operationId, req.tenant));
        const patch: { status?: string | null; error?: ReturnType<typeof parseOperationPayload>['error'] } = {};
        if (payload.status !== undefined) patch.status = payload.status;
        if (payload.error !== undefined) patch.error = payload.error;
        const updated = store.updateOperation(connectionId, operationId, patch, req.tenant);
        if (!updated) throw itemNotFound(`The operation '${operationId}' was not found in connection '${connectionId}'.`);
        if (prefersMinimal(req.headers) || options.quirks?.patchNoContent) {
          return { status: 204, headers: { etag: updated.etag, 'preference-applied': 'return=minimal' } };
        }
        return entityResponse(200, req, family, connectionId, updated, query?.select);
      }
    }
  }

  return (req) => {
    try {
      return handle(req);
    } catch (error) {
      if (error instanceof ODataError) return odataErrorResponse(error, req);
      throw error;
    }
  };
}
