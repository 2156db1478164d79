/** Query fields: one operation by key (through the loader), and a page of a connection's operations. */
import type { QueryResolvers } from '../generated/graphql.js';
import { decodeCursor, listFingerprint } from '../odata/cursor.js';
import { buildFilter, buildOrderBy, buildSelect, buildTop, propertiesOfSelect } from '../odata/query-options.js';
import { assertValidKey } from '../odata/url.js';
import { selectedProperties, selects } from '../selection.js';
import { withPaging } from './paging.js';

/** Where the operations are in a connection's selection set. */
const NODE_PATHS = [['nodes'], ['edges', 'node']] as const;

export const Query: QueryResolvers = {
  async connectionOperation(_parent, args, context, info) {
    const connectionId = assertValidKey(args.connectionId, 'connectionId');
    const id = assertValidKey(args.id, 'id');
    return context.loader.load(connectionId, id, selectedProperties(info, [[]]));
  },

  async connectionOperations(_parent, args, context, info) {
    const connectionId = assertValidKey(args.connectionId, 'connectionId');
    const properties = selectedProperties(info, NODE_PATHS);
    const $top = buildTop(args.first);
    const $filter = buildFilter(args.filter);
    const $orderby = buildOrderBy(args.orderBy);
    let fingerprint: string | undefined;
    const query = () => (fingerprint ??= listFingerprint($filter === false ? 'false' : $filter, $orderby));
    const options = {
      $select: buildSelect(properties),
      ...(typeof $filter === 'string' ? { $filter } : {}),
      ...($orderby !== undefined ? { $orderby } : {}),
      ...($top !== undefined ? { $top } : {}),
      ...(selects(info, 'totalCount') ? { $count: 'true' } : {}),
    };
    const first = args.first ?? undefined;

    if (args.after != null) {
      const position = decodeCursor(args.after, {
        serviceRoot: context.serviceRoot,
        connectionsPath: context.connectionsPath,
        connectionId,
        query: query(),
      });
      const page = await context.api.readPage({ connectionId, link: position.link }, context.call);
      // The link is the upstream's: prime only with what its own $select fetched.
      const fetched = propertiesOfSelect(new URL(position.link).searchParams.get('$select'));
      for (const node of page.nodes) context.loader.prime(node, fetched);
      return withPaging(page, { ...position, query }, first);
    }

    const link = context.api.firstPageLink({ connectionId, options });
    if ($filter === false) {
      // Nothing can match (an empty `in` or `or`): answer without asking the upstream.
      return withPaging({ connectionId, nodes: [], nextLink: null, totalCount: 0 }, { link, skip: 0, query }, first);
    }
    const page = await context.api.readPage({ connectionId, options }, context.call);
    for (const node of page.nodes) context.loader.prime(node, properties);
    return withPaging(page, { link, skip: 0, query }, first);
  },
};
