/**
 * Object type resolvers: the connectionOperation fields that need more than a property read (the
 * evolvable status enum), and the Relay connection built from a paged model.
 */
import type {
  ConnectionOperationConnectionResolvers,
  ConnectionOperationResolvers,
} from '../generated/graphql.js';
import { badUserInput } from '../errors.js';
import { toKnownStatus } from '../odata/enums.js';
import { assertValidKey } from '../odata/url.js';
import { selectedProperties } from '../selection.js';

export const ConnectionOperation: ConnectionOperationResolvers = {
  /**
   * Federation: a router's `_entities` representations go through the request's loader like aliases do,
   * so N references cost ceil(N/BATCH_MAX) `$batch` requests, and an unknown key reads as null.
   */
  // Async, so a bad representation fails only its own entity, not the whole `_entities` list.
  __resolveReference: async (reference, context, info) => {
    const { connectionId, id } = reference as { connectionId?: unknown; id?: unknown };
    if (typeof connectionId !== 'string' || typeof id !== 'string') {
      throw badUserInput('A ConnectionOperation representation needs string `connectionId` and `id`.', 'representations');
    }
    return context.loader.load(
      assertValidKey(connectionId, 'representations.connectionId'),
      assertValidKey(id, 'representations.id'),
      selectedProperties(info, [[]]),
    );
  },
  status: (operation, _args, context) => toKnownStatus(operation.status, context.onUnknownStatus),
};

export const ConnectionOperationConnection: ConnectionOperationConnectionResolvers = {
  nodes: (page) => page.nodes,
  edges: (page) => {
    const cursors = page.cursors();
    return page.nodes.map((node, i) => ({ node, cursor: cursors[i]! }));
  },
  pageInfo: (page) => ({ hasNextPage: page.hasNextPage, endCursor: page.endCursor() }),
  totalCount: (page) => page.totalCount,
};
