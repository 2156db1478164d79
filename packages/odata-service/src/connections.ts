/**
 * The externalConnection resources of the service: `GET {cs}` (with `$select $top $count`, server-driven
 * paging by `$skiptoken`, `$skip` refused or ignored) and `GET {cs}/{cid}` (with `$select`); every entity
 * carries its `@odata.etag` (creation and deletion: router.ts and lifecycle.ts). Pure: the router
 * hands in the store's connections, the request's query entries and how the service pages, and gets the
 * JSON body back, so top-level requests and `$batch` parts share it.
 *
 * The collection pages exactly like operations (paging.ts): `$top` a page size, uneven and empty pages, an
 * opaque `$skiptoken` bound to this family's collection and the query.
 */
import { badRequest } from './errors.js';
import { NAMESPACE } from './model.js';
import type { PathFamily } from './paths.js';
import { type PagingContext, pageOf } from './paging.js';
import { type QueryEntry, nextLinkQuery, parseQueryOptions } from './query-options.js';
import type { StoredConnection } from './store.js';

export const CONNECTION_TYPE = `${NAMESPACE}.externalConnection`;

/** Structural properties of externalConnection this service serves, in `$metadata` order. */
export const CONNECTION_PROPERTIES = ['id', 'name', 'description', 'state'] as const;
export type ConnectionProperty = (typeof CONNECTION_PROPERTIES)[number];

function isConnectionProperty(value: string): value is ConnectionProperty {
  return (CONNECTION_PROPERTIES as readonly string[]).includes(value);
}

/** `$select` of externalConnection; the key is always returned. Unknown properties are a 400, as in Graph. */
export function parseConnectionSelect(value: string): ConnectionProperty[] {
  const selected = new Set<ConnectionProperty>(['id']);
  for (const raw of value.split(',')) {
    const item = raw.trim();
    if (item === '') throw badRequest(`Invalid $select '${value}': empty item; list property names separated by commas.`);
    if (item === '*') for (const property of CONNECTION_PROPERTIES) selected.add(property);
    else if (isConnectionProperty(item)) selected.add(item);
    else {
      throw badRequest(
        `Invalid $select: could not find a property named '${item}' on type '${CONNECTION_TYPE}'; properties are ${CONNECTION_PROPERTIES.join(', ')}.`,
      );
    }
  }
  return CONNECTION_PROPERTIES.filter((property) => selected.has(property));
}

/** Splits `$select` off (its properties are externalConnection's), leaving the rest to parseQueryOptions. */
function takeSelect(entries: readonly QueryEntry[]): { select: ConnectionProperty[]; rest: QueryEntry[] } {
  const selects = entries.filter((entry) => entry.name === '$select');
  if (selects.length > 1) throw badRequest("The query option '$select' is specified more than once.");
  const select = selects.length === 1 ? parseConnectionSelect(selects[0]!.value) : [...CONNECTION_PROPERTIES];
  return { select, rest: entries.filter((entry) => entry.name !== '$select') };
}

/** The entity's JSON: its `@odata.etag`, then the selected properties (the key always). */
export function connectionJson(connection: StoredConnection, select: readonly ConnectionProperty[]): Record<string, unknown> {
  const json: Record<string, unknown> = { '@odata.etag': connection.etag };
  for (const property of select) json[property] = connection[property];
  return json;
}

export function connectionsContext(root: string, family: PathFamily, select: readonly ConnectionProperty[]): string {
  const all = select.length === CONNECTION_PROPERTIES.length;
  return `${root}/$metadata#${family}${all ? '' : `(${select.join(',')})`}`;
}

/** The body of `GET {cs}/{cid}`. */
export function connectionBody(root: string, family: PathFamily, connection: StoredConnection, entries: readonly QueryEntry[]): Record<string, unknown> {
  const { select, rest } = takeSelect(entries);
  parseQueryOptions(rest, [], 'a single externalConnection');
  return { '@odata.context': `${connectionsContext(root, family, select)}/$entity`, ...connectionJson(connection, select) };
}

export interface ConnectionsListRequest {
  root: string;
  family: PathFamily;
  /** `origin + rawPath` of the request: the base of next links. */
  url: string;
  entries: readonly QueryEntry[];
  paging: PagingContext;
}

/** The body of `GET {cs}`: one page of the connections, in their stable (insertion) order. */
export function connectionsPage(all: readonly StoredConnection[], request: ConnectionsListRequest): Record<string, unknown> {
  const { select, rest } = takeSelect(request.entries);
  const query = parseQueryOptions(rest, ['$top', '$skip', '$count', '$skiptoken'], 'the connections collection');
  const page = pageOf(
    all,
    { collection: ['connections', request.family], entries: request.entries, top: query.top, skip: query.skip, skiptoken: query.skiptoken },
    request.paging,
  );
  const body: Record<string, unknown> = { '@odata.context': connectionsContext(request.root, request.family, select) };
  if (query.count) body['@odata.count'] = all.length;
  body['value'] = page.items.map((connection) => connectionJson(connection, select));
  if (page.nextSkipToken !== undefined) body['@odata.nextLink'] = `${request.url}?${nextLinkQuery(request.entries, page.nextSkipToken)}`;
  return body;
}
