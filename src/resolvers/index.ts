/** The resolver map: fields, object and interface types, and the enums bound to their OData names. */
import type { Resolvers } from '../generated/graphql.js';
import { ODataConnectionState, ODataOrderDirection, ODataOrderProperty, ODataPropertyLabel, ODataPropertyType, ODataStatus } from '../odata/enums.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';
import { ExternalConnection, ExternalConnectionConnection, ExternalConnectionEdge } from './connection-types.js';
import { DeleteExternalConnectionPayload, RegisterConnectionSchemaPayload, SchemaProperty } from './schema-types.js';
import { Subscription } from './subscription.js';
import { ConnectionOperation, ConnectionOperationConnection, ConnectionOperationEdge, Node, PageInfo } from './types.js';

export const objectResolvers: Resolvers = {
  Query,
  Mutation,
  Subscription,
  Node,
  ConnectionOperation,
  ConnectionOperationConnection,
  ConnectionOperationEdge,
  PageInfo,
  ExternalConnection,
  ExternalConnectionConnection,
  ExternalConnectionEdge,
  SchemaProperty,
  RegisterConnectionSchemaPayload,
  DeleteExternalConnectionPayload,
};

/** GraphQL enum names → OData names: the internal values resolvers and query builders see. */
export const enumValues: Record<string, Record<string, string>> = {
  ConnectionOperationStatus: { ...ODataStatus },
  ConnectionOperationOrderField: { ...ODataOrderProperty },
  OrderDirection: { ...ODataOrderDirection },
  ConnectionState: { ...ODataConnectionState },
  PropertyType: { ...ODataPropertyType },
  PropertyLabel: { ...ODataPropertyLabel },
};
