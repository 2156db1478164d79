/**
 * The arguments of a list of a connection's operations, checked, with what the selection asks for: the same
 * for `Query.connectionOperations` and `ExternalConnection.operations`, which serve one list (and accept
 * each other's cursors).
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { ExternalConnectionOperationsArgs } from '../generated/graphql.js';
import type { ListArguments } from '../operations/request-operations.js';
import { selects } from '../selection.js';
import { checkFilter, checkFirst, checkOrderBy } from './arguments.js';

export function operationListArguments(connectionId: string, args: ExternalConnectionOperationsArgs, info: GraphQLResolveInfo): ListArguments {
  return {
    connectionId,
    filter: checkFilter(args.filter),
    orderBy: checkOrderBy(args.orderBy),
    first: checkFirst(args.first),
    after: args.after,
    count: selects(info, 'totalCount'),
  };
}
