/**
 * Routes, methods and status codes of the service: one synchronous function from a transport-neutral
 * {@link ServiceRequest} to a {@link ServiceResponse}. It knows nothing about sockets, faults, latency or
 * `$batch` framing, so top-level requests and batch parts share it unchanged.
 *
 * | resource                                   | methods            |
 * |--------------------------------------------|--------------------|
 * | `/`  (service document)                    | GET                |
 * | `/$metadata`                               | GET                |
 * | `/external`                                | GET                |
 * | `/{cs}`  (`$select $top $count`)           | GET                |
 * | `/{cs}/{cid}`  (`$select`)                 | GET                |
 * | `/{cs}/{cid}/operations`                   | GET, POST          |
 * | `/{cs}/{cid}/operations/$count`            | GET                |
 * | `/{cs}/{cid}/operations/$ref`              | POST               |
 * | `/{cs}/{cid}/operations/{id}` or `('id')`  | GET, PATCH, DELETE |
 *
 * `{cs}` is `connections` or `external/connections` (same data); in the v1.0 mode only `external/connections`,
 * as in Graph v1.0, whose CSDL has no `connections` entity set. Both collections page the same way
 * (paging.ts): `$skip` refused or ignored, next links with an opaque `$skiptoken`, uneven and empty pages.
 */
import { matchingOperations } from './collection.js';
import { connectionBody, connectionsPage } from './connections.js';
import { badRequest, itemNotFound, ODataError, segmentNotFound } from './errors.js';
import { type RequestBody, type ServiceRequest, type ServiceResponse, odataErrorResponse } from './exchange.js';
import { metadataV1Xml } from './metadata-v1.js';
import { metadataXml } from './metadata.js';
import type { ApiVersion } from './model.js';
import { type PagingContext, type PagingSwitches, pageOf } from './paging.js';
import { parseOperationPayload } from './payload.js';
import { type PathFamily, type Resource, resolveResource, segmentsUnderBase } from './paths.js';
import { type QueryEntry, type SystemQueryOption, nextLinkQuery, parseQueryOptions, parseQueryString } from './query-options.js';
import { operationContext, operationJson, operationUrl, operationsContext } from './representation.js';
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
  connections: ['GET'],
  connection: ['GET'],
  operations: ['GET', 'POST'],
  operationsCount: ['GET'],
  operationsRef: ['POST'],
  operation: ['GET', 'PATCH', 'DELETE'],
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
function checkIfMatch(headers: Readonly<Record<string, string>>, current: StoredOperation): void {
  const ifMatch = headers['if-match'];
  if (ifMatch === undefined) return;
  const tags = ifMatch.split(',').map((tag) => tag.trim());
  if (tags.includes('*') || tags.includes(current.etag)) return;
  throw new ODataError(
    412,
    'PreconditionFailed',
    `The If-Match value '${ifMatch}' does not match the current ETag of the operation; read it again and retry.`,
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

  function handle(req: ServiceRequest): ServiceResponse {
    const segments = segmentsUnderBase(req.rawPath, options.base);
    if (segments === undefined) throw segmentNotFound(req.rawPath);
    const resource = resolveResource(segments);
    if (apiVersion === 'v1.0' && 'family' in resource && resource.family === 'connections') throw segmentNotFound('connections');
    const allowed = ALLOWED_METHODS[resource.kind];
    if (!allowed.includes(req.method)) {
      throw new ODataError(405, 'MethodNotAllowed', `The method '${req.method}' is not allowed on this resource; allowed: ${allowed.join(', ')}.`, {
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
        const connection = store.getConnection(resource.connectionId, req.tenant);
        if (!connection) throw itemNotFound(`The connection '${resource.connectionId}' was not found.`);
        return json(200, connectionBody(root(req), resource.family, connection, entries));
      }
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
