/**
 * A connection's schema and the payloads of a connection's life: the evolvable propertyType and label enums,
 * and the operation an accepted write started, read once by its key through the request's loader (never by
 * fetching the Location the upstream sent: connection-lifecycle.ts took only the key from it).
 */
import type { GraphQLResolveInfo } from 'graphql';
import { GatewayError } from '../errors.js';
import type { DeleteExternalConnectionPayloadResolvers, RegisterConnectionSchemaPayloadResolvers, SchemaPropertyResolvers } from '../generated/graphql.js';
import type { GatewayContext } from '../context.js';
import { encodeGlobalId } from '../global-id.js';
import type { AcceptedWrite } from '../odata/connection-lifecycle.js';
import { toKnownLabel, toKnownPropertyType } from '../odata/enums.js';
import type { OperationModel } from '../odata/entity.js';
import { selectedProperties } from '../selection.js';
import { connectionSelection } from './connection-types.js';

export const SchemaProperty: SchemaPropertyResolvers = {
  type: (property, _args, context) => toKnownPropertyType(property.type, context.onUnknownPropertyType),
  labels: (property, _args, context) => property.labels?.map((label) => toKnownLabel(label, context.onUnknownLabel)) ?? null,
};

/** The operation an accepted write started, or null when it finished at once. */
function startedOperation(write: AcceptedWrite, context: GatewayContext, info: GraphQLResolveInfo): Promise<OperationModel | null> | null {
  if (write.operationId === undefined) return null;
  return context.operations.get({ connectionId: write.connectionId, operationId: write.operationId }, selectedProperties(info, [[]]));
}

export const RegisterConnectionSchemaPayload: RegisterConnectionSchemaPayloadResolvers = {
  async connection(write, _args, context, info) {
    const connection = await context.connections.get(write.connectionId, connectionSelection(info));
    // The upstream accepted the schema and then has no such connection (deleted meanwhile).
    if (connection === null) throw new GatewayError('The upstream accepted the schema, but the connection is gone.', { code: 'NOT_FOUND', accepted: true });
    return connection;
  },
  operation: (write, _args, context, info) => startedOperation(write, context, info),
};

export const DeleteExternalConnectionPayload: DeleteExternalConnectionPayloadResolvers = {
  deletedId: (write) => encodeGlobalId({ type: 'ExternalConnection', connectionId: write.connectionId }),
  connectionId: (write) => write.connectionId,
  operation: (write, _args, context, info) => startedOperation(write, context, info),
};
