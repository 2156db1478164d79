/**
 * A client's list: a page of one of its tenant's connections, with one of several filters (status, ids
 * including a foreign one, an `or`), sometimes ordered, sometimes with `totalCount`, sometimes followed by
 * the next page through the cursor. Every node must belong to the client's tenant and connection.
 */
import { classifyError, transportVerdict, UPSTREAM_FAILURE_CODES } from './classify.js';
import { type ClientState, type RunContext, countError, exchange, pick } from './context.js';
import { asOperation, LIST, STATUSES } from './queries.js';
import { otherTenant } from './tenancy.js';

const OP = 'list';
const NEXT_PAGE_SHARE = 0.3;

function chooseFilter(run: RunContext, client: ClientState): Record<string, unknown> | undefined {
  const own = run.pools.get(client.tenant)!;
  const foreign = run.pools.get(otherTenant(client.tenant))!;
  const ids = (n: number): string[] => Array.from({ length: n }, () => own.sample()?.operationId).filter((id): id is string => id !== undefined);
  switch (Math.floor(Math.random() * 5)) {
    case 0:
      return undefined;
    case 1:
      return { status: { eq: pick(STATUSES) } };
    case 2:
      return { status: { in: [pick(STATUSES), pick(STATUSES)] } };
    case 3: {
      // A foreign id in the filter must still find nothing of the other tenant.
      const wanted = [...ids(4), ...(foreign.sample() ? [foreign.sample()!.operationId] : [])];
      return wanted.length > 0 ? { operationId: { in: wanted } } : undefined;
    }
    default: {
      const one = own.sample();
      return { or: [{ status: { eq: pick(STATUSES) } }, ...(one ? [{ operationId: { eq: one.operationId } }] : [])] };
    }
  }
}

/** One page request; returns the next cursor when the page says there is one. */
async function page(run: RunContext, client: ClientState, connectionId: string, variables: Record<string, unknown>): Promise<string | undefined> {
  const example = `list of ${connectionId} by ${client.tenant} with ${JSON.stringify(variables)}`;
  const result = await exchange(run, client, OP, LIST, variables);
  if (result.kind !== 'response') {
    countError(run, OP, transportVerdict(result), example);
    return undefined;
  }
  const first = result.errors[0];
  if (first) {
    const verdict = result.errors.length > 1 ? { class: 'other', code: 'MANY_ERRORS', reason: `${result.errors.length} errors` } as const : classifyError(first, UPSTREAM_FAILURE_CODES, false);
    countError(run, OP, verdict, example);
    return undefined;
  }
  const connection = result.data?.['connectionOperations'];
  const nodes = typeof connection === 'object' && connection !== null && 'nodes' in connection ? connection.nodes : undefined;
  const pageInfo = typeof connection === 'object' && connection !== null && 'pageInfo' in connection ? connection.pageInfo : undefined;
  if (!Array.isArray(nodes) || typeof pageInfo !== 'object' || pageInfo === null) {
    countError(run, OP, { class: 'other', code: 'BAD_DATA', reason: 'no nodes/pageInfo without an error' }, example);
    return undefined;
  }
  for (const node of nodes) {
    const op = asOperation(node);
    if (!op) {
      countError(run, OP, { class: 'other', code: 'BAD_DATA', reason: 'a node is not an operation (or its global id is not its own)' }, example);
      continue;
    }
    run.metrics.listNodes += 1;
    run.tenancy.check(client.tenant, op.operationId, 'list');
    if (op.connectionId !== connectionId) run.violations.add('a list returned a node of another connection', `${example}: ${op.connectionId}/${op.operationId}`);
  }
  const hasNext = 'hasNextPage' in pageInfo && pageInfo.hasNextPage === true;
  const cursor = 'endCursor' in pageInfo && typeof pageInfo.endCursor === 'string' ? pageInfo.endCursor : undefined;
  return hasNext ? cursor : undefined;
}

export async function listPage(run: RunContext, client: ClientState): Promise<void> {
  const connectionId = pick(run.connections);
  const filter = chooseFilter(run, client);
  const variables: Record<string, unknown> = {
    c: connectionId,
    first: 5 + Math.floor(Math.random() * 46),
    count: Math.random() < 0.3,
    ...(filter !== undefined ? { filter } : {}),
    ...(Math.random() < 0.3 ? { orderBy: [{ field: pick(['OPERATION_ID', 'STATUS'] as const), direction: pick(['ASC', 'DESC'] as const) }] } : {}),
  };
  const cursor = await page(run, client, connectionId, variables);
  if (cursor !== undefined && Math.random() < NEXT_PAGE_SHARE) await page(run, client, connectionId, { ...variables, after: cursor });
}
