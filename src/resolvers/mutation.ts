/**
 * Mutation fields. Each write is one upstream request, sent once unless it carries If-Match (see
 * ConnectionOperationsApi and ConnectionLifecycleApi).
 */
import type { MutationResolvers } from '../generated/graphql.js';
import { encodeGlobalId } from '../global-id.js';
import { checkIfMatch, checkKey, checkOperationKey, checkWriteInput } from './arguments.js';
import { checkConnectionInput, checkSchemaInput } from './connection-input.js';

export const Mutation: MutationResolvers = {
  createConnectionOperation(_parent, { connectionId, input }, context) {
    return context.operations.create(checkKey(connectionId, 'connectionId'), checkWriteInput(input));
  },

  addConnectionOperationReference(_parent, { connectionId, input }, context) {
    return context.operations.addReference(checkKey(connectionId, 'connectionId'), checkWriteInput(input));
  },

  updateConnectionOperation(_parent, args, context) {
    const key = checkOperationKey(args.connectionId, args.operationId);
    return context.operations.update(key, checkWriteInput(args.input), checkIfMatch(args.ifMatch));
  },

  createExternalConnection(_parent, { input }, context) {
    return context.connections.create(checkConnectionInput(input));
  },

  registerConnectionSchema(_parent, { connectionId, input }, context) {
    return context.connections.registerSchema(checkKey(connectionId, 'connectionId'), checkSchemaInput(input));
  },

  deleteExternalConnection(_parent, args, context) {
    return context.connections.remove(checkKey(args.connectionId, 'connectionId'), checkIfMatch(args.ifMatch));
  },

  async deleteConnectionOperation(_parent, args, context) {
    const key = checkOperationKey(args.connectionId, args.operationId);
    await context.operations.remove(key, checkIfMatch(args.ifMatch));
    return { deletedId: encodeGlobalId({ type: 'ConnectionOperation', ...key }), ...key };
  },
};
