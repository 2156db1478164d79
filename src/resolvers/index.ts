/** The resolver map: fields, object types, and the enums bound to their OData names. */
import type { Resolvers } from '../generated/graphql.js';
import { ODataOrderDirection, ODataOrderProperty } from '../odata/enums.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';
import { ConnectionOperation, ConnectionOperationConnection, ConnectionOperationStatus } from './types.js';

export const resolvers: Resolvers = {
  Query,
  Mutation,
  ConnectionOperation,
  ConnectionOperationConnection,
  ConnectionOperationStatus,
  ConnectionOperationOrderField: { ...ODataOrderProperty },
  OrderDirection: { ...ODataOrderDirection },
};
