/**
 * Mutation fields. Each write is one upstream request, sent once (see ConnectionOperationsApi); its result
 * primes the request's loader, so later fields of the same request need no read.
 */
import type { MutationResolvers } from '../generated/graphql.js';
import { assertValidKey } from '../odata/url.js';
import { allProperties } from '../operation-loader.js';
import { checkIfMatch, checkWriteInput } from './input-checks.js';

export const Mutation: MutationResolvers = {
  async createConnectionOperation(_parent, { connectionId, input }, context) {
    const cid = assertValidKey(connectionId, 'connectionId');
    checkWriteInput(input);
    const created = await context.api.create(cid, input, context.call);
    context.loader.prime(created, allProperties);
    return created;
  },

  async addConnectionOperationReference(_parent, { connectionId, input }, context) {
    const cid = assertValidKey(connectionId, 'connectionId');
    checkWriteInput(input);
    const added = await context.api.addReference(cid, input, context.call);
    context.loader.prime(added, allProperties);
    return added;
  },

  async updateConnectionOperation(_parent, { connectionId, id, input, ifMatch }, context) {
    const cid = assertValidKey(connectionId, 'connectionId');
    const key = assertValidKey(id, 'id');
    checkWriteInput(input);
    const updated = await context.api.update(cid, key, input, checkIfMatch(ifMatch), context.call);
    context.loader.forget(cid, key);
    context.loader.prime(updated, allProperties);
    return updated;
  },

  async deleteConnectionOperation(_parent, { connectionId, id, ifMatch }, context) {
    const cid = assertValidKey(connectionId, 'connectionId');
    const key = assertValidKey(id, 'id');
    await context.api.remove(cid, key, checkIfMatch(ifMatch), context.call);
    context.loader.forget(cid, key);
    return { connectionId: cid, id: key };
  },
};
