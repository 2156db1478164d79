/**
 * Query fields: objects by global id, one operation by its keys, a page of a connection's operations, and
 * external connections by key and by page.
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.js';
import type { QueryResolvers } from '../generated/graphql.js';
import { decodeGlobalId } from '../global-id.js';
import type { ConnectionModel, ConnectionProperty } from '../odata/connection-entity.js';
import type { OperationModel } from '../odata/entity.js';
import type { SelectableProperty } from '../odata/query-options.js';
import { selectedProperties, selects } from '../selection.js';
import { checkFirst, checkKey, checkNodeIds, checkOperationKey } from './arguments.js';
import { connectionSelection } from './connection-types.js';
import { operationListArguments } from './operation-list.js';

/** Where the operations are in a connection's selection set. */

/** What a `node`/`nodes` selection asks for, of each type. */
interface NodeSelection {
  operation: ReadonlySet<SelectableProperty>;
  connection: ReadonlySet<ConnectionProperty>;
}

/** The object a global id names, through the request's loaders; null for an id this gateway did not issue. */
function readNode(id: string, selection: NodeSelection, context: GatewayContext): Promise<OperationModel | ConnectionModel | null> | null {
  const key = decodeGlobalId(id);
  if (key === undefined) return null;
  if (key.type === 'ExternalConnection') return context.connections.get(key.connectionId, selection.connection);
  return context.operations.get(key, selection.operation);
}

const nodeSelection = (info: GraphQLResolveInfo): NodeSelection => ({ operation: ownProperties(info), connection: connectionSelection(info) });

const ownProperties = (info: GraphQLResolveInfo) => selectedProperties(info, [[]]);

export const Query: QueryResolvers = {
  node: (_parent, { id }, context, info) => readNode(id, nodeSelection(info), context),

  nodes(_parent, { ids }, context, info) {
    const properties = nodeSelection(info);
    // A list of promises, not a promise of a list: graphql-js completes each item on its own, so one failed
    // read is null with its error at its index, and the other items keep their data. (The generated type
    // knows only lists of values.)
    const items = checkNodeIds(ids).map((id) => readNode(id, properties, context));
    return items as unknown as Array<OperationModel | ConnectionModel | null>;
  },

  connectionOperation(_parent, args, context, info) {
    return context.operations.get(checkOperationKey(args.connectionId, args.operationId), ownProperties(info));
  },

  connectionOperations(_parent, args, context, info) {
    return context.operations.list(operationListArguments(checkKey(args.connectionId, 'connectionId'), args, info));
  },

  externalConnection(_parent, args, context, info) {
    return context.connections.get(checkKey(args.connectionId, 'connectionId'), connectionSelection(info));
  },

  externalConnections(_parent, args, context, info) {
    return context.connections.list({
      first: checkFirst(args.first),
      after: args.after,
      count: selects(info, 'totalCount'),
    });
  },
};
