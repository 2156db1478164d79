/**
 * Object type resolvers: the connectionOperation fields that need more than a property read (the
 * evolvable status enum), and the Relay connection built from a paged model.
 */
import type {
  ConnectionOperationConnectionResolvers,
  ConnectionOperationResolvers,
} from '../generated/graphql.js';
import { toKnownStatus } from '../odata/enums.js';
import { assertValidKey } from '../odata/url.js';
import { selectedProperties } from '../selection.js';

export const ConnectionOperation: ConnectionOperationResolvers = {
  /**
   * Federation: a router's `_entities` representations go through the request's loader like aliases do,
   * so N references cost ceil(N/BATCH_MAX) `$batch` requests, and an unknown key reads as null.
   */
  __resolveReference: (reference, context, info) =>
    context.loader.load(
      assertValidKey(reference.connectionId, 'representations.connectionId'),
      assertValidKey(reference.id, 'representations.id'),
      selectedProperties(info, [[]]),
    ),
  status: (operation, _args, context) => toKnownStatus(operation.status, context.onUnknownStatus),
};

export const ConnectionOperationConnection: ConnectionOperationConnectionResolvers = {
  nodes: (page) => page.nodes,
  edges: (page) => {
    const cursors = page.cursors();
    return page.nodes.map((node, i) => ({ node, cursor: cursors[i]! }));
  },
  pageInfo: (page) => ({ hasNextPage: page.hasNextPage, endCursor: page.endCursor }),
  totalCount: (page) => page.totalCount,
};
