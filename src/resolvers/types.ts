/**
 * Object type resolvers: the connectionOperation fields that need more than a property read (the
 * evolvable status enum), and the Relay connection built from a paged model.
 */
import type {
  ConnectionOperationConnectionResolvers,
  ConnectionOperationResolvers,
  ConnectionOperationStatusResolvers,
} from '../generated/graphql.js';
import { ODataStatus, toKnownStatus } from '../odata/enums.js';

export const ConnectionOperation: ConnectionOperationResolvers = {
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

/** GraphQL enum names bound to OData member names (the internal values resolvers see). */
export const ConnectionOperationStatus: ConnectionOperationStatusResolvers = { ...ODataStatus };
