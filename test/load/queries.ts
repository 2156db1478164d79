/**
 * The GraphQL documents the load clients send, and the check of the one object they all select
 * (a ConnectionOperation), so classifiers work on typed views, never on raw JSON.
 */
import { encodeGlobalId } from '../../src/global-id.js';

export const STATUSES = ['UNSPECIFIED', 'IN_PROGRESS', 'COMPLETED', 'FAILED'] as const;
export type Status = (typeof STATUSES)[number];

export interface OperationView {
  /** The global id (contract v2): always the encoding of (connectionId, operationId), checked by asOperation. */
  id: string;
  /** The OData key. */
  operationId: string;
  connectionId: string;
  status: string | null;
  etag: string | null;
  /** Only selected by updates (the marker the update wrote). */
  errorMessage: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The view of a selected ConnectionOperation, or undefined when the value is not one, including when its
 * global `id` is not the one of its own `connectionId` and `operationId` (a normalized client cache would
 * then mix two operations up).
 */
export function asOperation(value: unknown): OperationView | undefined {
  if (!isRecord(value) || typeof value['id'] !== 'string' || typeof value['operationId'] !== 'string' || typeof value['connectionId'] !== 'string') return undefined;
  const key = { connectionId: value['connectionId'], operationId: value['operationId'] };
  if (value['id'] !== encodeGlobalId({ type: 'ConnectionOperation', ...key })) return undefined;
  const status = value['status'];
  const etag = value['etag'];
  const error = value['error'];
  return {
    id: value['id'],
    operationId: key.operationId,
    connectionId: key.connectionId,
    status: typeof status === 'string' ? status : null,
    etag: typeof etag === 'string' ? etag : null,
    errorMessage: isRecord(error) && typeof error['message'] === 'string' ? error['message'] : null,
  };
}

const OPERATION_FIELDS = 'id operationId connectionId status etag';

export const CREATE = `mutation LoadCreate($c: ID!, $input: CreateConnectionOperationInput!) {
  createConnectionOperation(connectionId: $c, input: $input) { ${OPERATION_FIELDS} }
}`;

export const UPDATE = `mutation LoadUpdate($c: ID!, $id: ID!, $input: UpdateConnectionOperationInput!, $ifMatch: String) {
  updateConnectionOperation(connectionId: $c, operationId: $id, input: $input, ifMatch: $ifMatch) { ${OPERATION_FIELDS} error { message } }
}`;

export const LIST = `query LoadList($c: ID!, $filter: ConnectionOperationFilter, $orderBy: [ConnectionOperationOrder!], $first: Int, $after: String, $count: Boolean!) {
  connectionOperations(connectionId: $c, filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    nodes { ${OPERATION_FIELDS} }
    pageInfo { hasNextPage endCursor }
    totalCount @include(if: $count)
  }
}`;

/** An operation by its OData keys. */
export interface KeyRef {
  connectionId: string;
  operationId: string;
}

export function globalIdOf(key: KeyRef): string {
  return encodeGlobalId({ type: 'ConnectionOperation', connectionId: key.connectionId, operationId: key.operationId });
}

/** A read of several operations in one GraphQL request, and where the answer for each key is. */
export interface KeyedRead {
  query: string;
  variables: Record<string, unknown>;
  /** The answer for key `i`, from the response's data. */
  valueOf(data: Readonly<Record<string, unknown>>, i: number): unknown;
  /** The key an error path is about, or undefined when it is about none of them (or several). */
  keyOfError(path: ReadonlyArray<string | number>): number | undefined;
}

/**
 * Reads by key under aliases `r0..rN` in one GraphQL request: with more than one, the gateway's loader
 * sends them upstream as one `$batch`.
 */
export function readByKeys(keys: readonly KeyRef[]): KeyedRead {
  const params: string[] = [];
  const fields: string[] = [];
  const variables: Record<string, string> = {};
  const aliases: string[] = [];
  keys.forEach((key, i) => {
    params.push(`$c${i}: ID!, $i${i}: ID!`);
    fields.push(`r${i}: connectionOperation(connectionId: $c${i}, operationId: $i${i}) { ${OPERATION_FIELDS} }`);
    variables[`c${i}`] = key.connectionId;
    variables[`i${i}`] = key.operationId;
    aliases.push(`r${i}`);
  });
  return {
    query: `query LoadRead(${params.join(', ')}) {\n  ${fields.join('\n  ')}\n}`,
    variables,
    valueOf: (data, i) => data[aliases[i]!],
    keyOfError: (path) => (path.length === 1 && typeof path[0] === 'string' && aliases.includes(path[0]) ? aliases.indexOf(path[0]) : undefined),
  };
}

/** The same reads by global id, `nodes(ids:)`: the same per-request loader, so also one `$batch`. */
export function readByGlobalIds(keys: readonly KeyRef[]): KeyedRead {
  return {
    query: `query LoadNodes($ids: [ID!]!) {\n  nodes(ids: $ids) { ... on ConnectionOperation { ${OPERATION_FIELDS} } }\n}`,
    variables: { ids: keys.map(globalIdOf) },
    valueOf: (data, i) => {
      const nodes = data['nodes'];
      return Array.isArray(nodes) && nodes.length === keys.length ? nodes[i] : undefined;
    },
    keyOfError: (path) =>
      path.length === 2 && path[0] === 'nodes' && typeof path[1] === 'number' && Number.isInteger(path[1]) && path[1] >= 0 && path[1] < keys.length ? path[1] : undefined,
  };
}
