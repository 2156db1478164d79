/**
 * The gateway's model of an upstream externalConnection, and the parsing of upstream JSON into it. `state`
 * stays the OData member string (an evolvable enum): the GraphQL mapping happens at the field resolver.
 */
import { UpstreamError } from './errors.js';
import { isRecord } from './json.js';

export interface ConnectionModel {
  /** The OData key (`id` upstream). */
  connectionId: string;
  name: string | null;
  description: string | null;
  /** connectionState member as sent (may be one this gateway does not know). */
  state: string | null;
}

export interface ConnectionPageModel {
  nodes: ConnectionModel[];
  nextLink: string | null;
  totalCount: number | null;
}

/** Properties of externalConnection a selection can ask for; the key `id` is always selected. */
export type ConnectionProperty = 'name' | 'description' | 'state';
export const connectionProperties: readonly ConnectionProperty[] = ['name', 'description', 'state'];

/** `$select`: the key always, then the selected properties in a stable order. */
export function buildConnectionSelect(properties: ReadonlySet<ConnectionProperty>): string {
  let select = 'id';
  for (const property of connectionProperties) if (properties.has(property)) select += `,${property}`;
  return select;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * One connection, bare or wrapped as `{"value": {...}}`. UPSTREAM_ERROR when it is not an entity with a
 * string id, and a wrong-entity UPSTREAM_ERROR when it carries another key than `connectionId` (a read by
 * key): the gateway never serves one connection under another's key.
 */
export function parseConnection(body: unknown, connectionId?: string): ConnectionModel {
  const entity = isRecord(body) && isRecord(body.value) ? body.value : body;
  if (!isRecord(entity) || typeof entity.id !== 'string') throw UpstreamError.malformed();
  if (connectionId !== undefined && entity.id !== connectionId) throw UpstreamError.wrongEntity(entity.id);
  return { connectionId: entity.id, name: text(entity.name), description: text(entity.description), state: text(entity.state) };
}

/** A page of the connections collection. */
export function parseConnectionPage(body: unknown): ConnectionPageModel {
  if (!isRecord(body) || !Array.isArray(body.value)) throw UpstreamError.malformed();
  const count = body['@odata.count'];
  return {
    nodes: body.value.map((entity) => parseConnection(entity)),
    nextLink: text(body['@odata.nextLink']),
    totalCount: typeof count === 'number' && Number.isSafeInteger(count) ? count : null,
  };
}
