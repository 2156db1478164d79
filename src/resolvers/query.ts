/** Query fields: objects by global id, one operation by its keys, and a page of a connection's operations. */
import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.js';
import type { QueryResolvers } from '../generated/graphql.js';
import { decodeGlobalId } from '../global-id.js';
import type { OperationModel } from '../odata/entity.js';
import type { SelectableProperty } from '../odata/query-options.js';
import { selectedProperties, selects } from '../selection.js';
import { checkFilter, checkFirst, checkKey, checkNodeIds, checkOperationKey, checkOrderBy } from './arguments.js';

/** Where the operations are in a connection's selection set. */
const NODE_PATHS = [['nodes'], ['edges', 'node']] as const;

/** The object a global id names, through the request's loader; null for an id this gateway did not issue. */
function readNode(id: string, properties: ReadonlySet<SelectableProperty>, context: GatewayContext): Promise<OperationModel | null> | null {
  const key = decodeGlobalId(id);
  return key === undefined ? null : context.operations.get(key, properties);
}

const ownProperties = (info: GraphQLResolveInfo) => selectedProperties(info, [[]]);

export const Query: QueryResolvers = {
  node: (_parent, { id }, context, info) => readNode(id, ownProperties(info), context),

  nodes(_parent, { ids }, context, info) {
    const properties = ownProperties(info);
    // A list of promises, not a promise of a list: graphql-js completes each item on its own, so one failed
    // read is null with its error at its index, and the other items keep their data. (The generated type
    // knows only lists of values.)
    const items = checkNodeIds(ids).map((id) => readNode(id, properties, context));
    return items as unknown as Array<OperationModel | null>;
  },

  connectionOperation(_parent, args, context, info) {
    return context.operations.get(checkOperationKey(args.connectionId, args.operationId), ownProperties(info));
  },

  connectionOperations(_parent, args, context, info) {
    return context.operations.list({
      connectionId: checkKey(args.connectionId, 'connectionId'),
      filter: checkFilter(args.filter),
      orderBy: checkOrderBy(args.orderBy),
      first: checkFirst(args.first),
      after: args.after,
      properties: selectedProperties(info, NODE_PATHS),
      count: selects(info, 'totalCount'),
    });
  },
};
