/**
 * Object and interface type resolvers: the global id, the evolvable status enum, federation references, and
 * the Relay connection built from a paged model.
 */
import type {
  ConnectionOperationConnectionResolvers,
  ConnectionOperationEdgeResolvers,
  ConnectionOperationResolvers,
  NodeResolvers,
  PageInfoResolvers,
} from '../generated/graphql.js';
import { badUserInput } from '../errors.js';
import { decodeGlobalId, encodeGlobalId } from '../global-id.js';
import { toKnownStatus } from '../odata/enums.js';
import { selectedProperties } from '../selection.js';
import { checkOperationKey } from './arguments.js';

export const Node: NodeResolvers = {
  // An operation model has an operationId; a connection model has none.
  __resolveType: (node) => ('operationId' in node ? 'ConnectionOperation' : 'ExternalConnection'),
};

export const ConnectionOperation: ConnectionOperationResolvers = {
  id: (operation) => encodeGlobalId({ type: 'ConnectionOperation', connectionId: operation.connectionId, operationId: operation.operationId }),

  /**
   * Federation: a router's `_entities` representations, by either key (`{ id }` or `{ connectionId
   * operationId }`), go through the request's loader like aliases do, so N references cost
   * ceil(N/BATCH_MAX) `$batch` requests, and an unknown key reads as null.
   */
  // Async, so a bad representation fails only its own entity, not the whole `_entities` list.
  __resolveReference: async (reference, context, info) => {
    const { id, connectionId, operationId } = reference as { id?: unknown; connectionId?: unknown; operationId?: unknown };
    const properties = selectedProperties(info, [[]]);
    if (typeof id === 'string') {
      const key = decodeGlobalId(id);
      if (key?.type !== 'ConnectionOperation') throw badUserInput('`representations.id` is not a ConnectionOperation id issued by this gateway.', 'representations');
      return context.operations.get(key, properties);
    }
    if (typeof connectionId !== 'string' || typeof operationId !== 'string') {
      throw badUserInput('A ConnectionOperation representation needs a string `id`, or string `connectionId` and `operationId`.', 'representations');
    }
    return context.operations.get(checkOperationKey(connectionId, operationId, 'representations.'), properties);
  },
  status: (operation, _args, context) => toKnownStatus(operation.status, context.onUnknownStatus),
};

export const ConnectionOperationEdge: ConnectionOperationEdgeResolvers = {
  cursor: (edge) => edge.page.cursorAfter(edge.index),
};

export const ConnectionOperationConnection: ConnectionOperationConnectionResolvers = {
  nodes: (page) => page.nodes,
  edges: (page) => page.nodes.map((node, index) => ({ node, page, index })),
  pageInfo: (page) => page,
  totalCount: (page) => page.totalCount,
};

/** The page itself: its cursors (sealed positions, cursor.ts) are made only when selected. */
export const PageInfo: PageInfoResolvers = {
  hasNextPage: (page) => page.hasNextPage,
  hasPreviousPage: (page) => page.hasPreviousPage,
  startCursor: (page) => (page.nodes.length > 0 ? page.cursorAfter(0) : null),
  endCursor: (page) => page.endCursor(),
};
