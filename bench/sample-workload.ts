/**
 * What scenarios 4 and 5 ask of `npm start`: the by-key and the list-of-10 reads of scenario 2, against the
 * embedded OData service's sample data (connection `contosohr` holds 30 operations `hr-op-001` …). The ids
 * are written here rather than imported, so the bench does not depend on where the embedded service lives;
 * a probe checks the answers before any load, so a change of the sample data fails loudly.
 */
import { isRecord } from './guards.js';
import { GRAPHQL_HEADERS, graphqlBody } from './http.js';

export const SAMPLE_CONNECTION = 'contosohr';
export const SAMPLE_OPERATION = 'hr-op-001';
export const SAMPLE_PAGE = 10;

export const SAMPLE_SINGLE_QUERY = `{ o0: connectionOperation(connectionId: "${SAMPLE_CONNECTION}", operationId: "${SAMPLE_OPERATION}") { id operationId status } }`;
export const SAMPLE_LIST_QUERY = `{ connectionOperations(connectionId: "${SAMPLE_CONNECTION}", first: ${SAMPLE_PAGE}) { nodes { id operationId status } } }`;

/** The load of scenarios 4 and 5: both reads as POST /graphql, taking turns on each connection. */
export const SAMPLE_TARGETS = [SAMPLE_SINGLE_QUERY, SAMPLE_LIST_QUERY].map((query) => ({ method: 'POST' as const, headers: { ...GRAPHQL_HEADERS }, body: graphqlBody(query) }));

/** Empty when `data` (of a response without errors) is what the by-key query must answer, else why not. */
export function checkSingle(data: Record<string, unknown>): string {
  const operation = data.o0;
  return isRecord(operation) && operation.operationId === SAMPLE_OPERATION && typeof operation.id === 'string' && typeof operation.status === 'string'
    ? ''
    : `connectionOperation did not answer ${SAMPLE_OPERATION}`;
}

/** Empty when `data` is what the list query must answer, else why not. */
export function checkList(data: Record<string, unknown>): string {
  const page = data.connectionOperations;
  const nodes = isRecord(page) ? page.nodes : undefined;
  if (!Array.isArray(nodes) || nodes.length !== SAMPLE_PAGE) return `connectionOperations did not answer ${SAMPLE_PAGE} nodes`;
  return nodes.every((node) => isRecord(node) && typeof node.operationId === 'string') ? '' : 'a node without operationId';
}

/**
 * The cheap check of every response under load: a JSON body that starts with data and holds no `errors`
 * member. (Each body is not parsed: the load generator shares the cores with the process it measures.)
 */
export function answeredWithData(body: string): boolean {
  return body.startsWith('{"data":{"') && !body.includes('"errors":');
}
