/**
 * ExternalConnection and its Relay connection: the global id, the evolvable state enum, federation references
 * by `{ id }` or `{ connectionId }`, and `operations`, whose first pages go through the request's page loader.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { badUserInput } from '../errors.js';
import type { ExternalConnectionConnectionResolvers, ExternalConnectionEdgeResolvers, ExternalConnectionResolvers } from '../generated/graphql.js';
import { decodeGlobalId, encodeGlobalId } from '../global-id.js';
import { connectionProperties, type ConnectionProperty } from '../odata/connection-entity.js';
import { toKnownState } from '../odata/enums.js';
import { selectedNames } from '../selection.js';
import { checkKey } from './arguments.js';
import { operationListArguments } from './operation-list.js';

/** The externalConnection properties a selection asks for on the objects at `paths`. */
export function connectionSelection(info: GraphQLResolveInfo, paths: ReadonlyArray<readonly string[]> = [[]]): Set<ConnectionProperty> {
  return selectedNames(info, paths, connectionProperties);
}

export const ExternalConnection: ExternalConnectionResolvers = {
  id: (connection) => encodeGlobalId({ type: 'ExternalConnection', connectionId: connection.connectionId }),

  /** Federation: `_entities` by `{ id }` or `{ connectionId }`, through the request's loader (`$batch`). */
  __resolveReference: async (reference, context, info) => {
    const { id, connectionId } = reference as { id?: unknown; connectionId?: unknown };
    const properties = connectionSelection(info);
    if (typeof id === 'string') {
      const key = decodeGlobalId(id);
      if (key?.type !== 'ExternalConnection') throw badUserInput('`representations.id` is not an ExternalConnection id issued by this gateway.', 'representations');
      return context.connections.get(key.connectionId, properties);
    }
    if (typeof connectionId !== 'string') {
      throw badUserInput('An ExternalConnection representation needs a string `id` or `connectionId`.', 'representations');
    }
    return context.connections.get(checkKey(connectionId, 'representations.connectionId'), properties);
  },

  state: (connection, _args, context) => toKnownState(connection.state, context.onUnknownState),

  operations: (connection, args, context, info) => context.connections.operationsOf(operationListArguments(connection.connectionId, args, info)),

  schema: (connection, _args, context) => context.connections.schema(connection.connectionId),
};

export const ExternalConnectionEdge: ExternalConnectionEdgeResolvers = {
  cursor: (edge) => edge.page.cursorAfter(edge.index),
};

export const ExternalConnectionConnection: ExternalConnectionConnectionResolvers = {
  nodes: (page) => page.nodes,
  edges: (page) => page.nodes.map((node, index) => ({ node, page, index })),
  pageInfo: (page) => page,
  totalCount: (page) => page.totalCount,
};
