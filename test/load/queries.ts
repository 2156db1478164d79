/**
 * The GraphQL documents the load clients send, and the check of the one object they all select
 * (a ConnectionOperation), so classifiers work on typed views, never on raw JSON.
 */

export const STATUSES = ['UNSPECIFIED', 'IN_PROGRESS', 'COMPLETED', 'FAILED'] as const;
export type Status = (typeof STATUSES)[number];

export interface OperationView {
  id: string;
  connectionId: string;
  status: string | null;
  etag: string | null;
  /** Only selected by updates (the marker the update wrote). */
  errorMessage: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The view of a selected ConnectionOperation, or undefined when the value is not one. */
export function asOperation(value: unknown): OperationView | undefined {
  if (!isRecord(value) || typeof value['id'] !== 'string' || typeof value['connectionId'] !== 'string') return undefined;
  const status = value['status'];
  const etag = value['etag'];
  const error = value['error'];
  return {
    id: value['id'],
    connectionId: value['connectionId'],
    status: typeof status === 'string' ? status : null,
    etag: typeof etag === 'string' ? etag : null,
    errorMessage: isRecord(error) && typeof error['message'] === 'string' ? error['message'] : null,
  };
}

const OPERATION_FIELDS = 'id connectionId status etag';

export const CREATE = `mutation LoadCreate($c: ID!, $input: CreateConnectionOperationInput!) {
  createConnectionOperation(connectionId: $c, input: $input) { ${OPERATION_FIELDS} }
}`;

export const UPDATE = `mutation LoadUpdate($c: ID!, $id: ID!, $input: UpdateConnectionOperationInput!, $ifMatch: String) {
  updateConnectionOperation(connectionId: $c, id: $id, input: $input, ifMatch: $ifMatch) { ${OPERATION_FIELDS} error { message } }
}`;

export const LIST = `query LoadList($c: ID!, $filter: ConnectionOperationFilter, $orderBy: [ConnectionOperationOrder!], $first: Int, $after: String, $count: Boolean!) {
  connectionOperations(connectionId: $c, filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    nodes { ${OPERATION_FIELDS} }
    pageInfo { hasNextPage endCursor }
    totalCount @include(if: $count)
  }
}`;

export interface KeyRef {
  connectionId: string;
  id: string;
}

/**
 * Reads by key under aliases `r0..rN` in one GraphQL request: with more than one, the gateway's loader
 * sends them upstream as one `$batch`.
 */
export function readByKeys(keys: readonly KeyRef[]): { query: string; variables: Record<string, string>; aliases: string[] } {
  const params: string[] = [];
  const fields: string[] = [];
  const variables: Record<string, string> = {};
  const aliases: string[] = [];
  keys.forEach((key, i) => {
    params.push(`$c${i}: ID!, $i${i}: ID!`);
    fields.push(`r${i}: connectionOperation(connectionId: $c${i}, id: $i${i}) { ${OPERATION_FIELDS} }`);
    variables[`c${i}`] = key.connectionId;
    variables[`i${i}`] = key.id;
    aliases.push(`r${i}`);
  });
  return { query: `query LoadRead(${params.join(', ')}) {\n  ${fields.join('\n  ')}\n}`, variables, aliases };
}
