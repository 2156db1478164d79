import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

describe('tolerated response shapes', () => {
  describe.each([
    ['bare entities (Graph)', {}],
    ['entities wrapped in {"value": …}', { wrapEntities: true }],
  ])('%s', (_name, quirks) => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ service: { quirks } });
    });
    afterAll(() => stack.close());
    beforeEach(() => {
      stack.upstream.reset();
      stack.upstream.store.putOperation('c1', { id: 'a', status: 'failed', error: { errorCode: 'E', message: 'm', details: [{ source: 's', message: 'd' }] } });
    });

    it('reads, creates and updates', async () => {
      const read = await stack.gql('{ connectionOperation(connectionId: "c1", id: "a") { id status error { errorCode details { source } } } }');
      expect(read.errors).toBeUndefined();
      expect(read.data!.connectionOperation).toEqual({ id: 'a', status: 'FAILED', error: { errorCode: 'E', details: [{ source: 's' }] } });
      const created = await stack.gql('mutation { createConnectionOperation(connectionId: "c1", input: { id: "b", status: COMPLETED }) { id status } }');
      expect(created.data!.createConnectionOperation).toEqual({ id: 'b', status: 'COMPLETED' });
      const updated = await stack.gql('mutation { updateConnectionOperation(connectionId: "c1", id: "a", input: { status: COMPLETED, error: null }) { id status error { message } } }');
      expect(updated.data!.updateConnectionOperation).toEqual({ id: 'a', status: 'COMPLETED', error: null });
    });
  });

  describe('PATCH answered with 204 No Content', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ service: { quirks: { patchNoContent: true } } });
    });
    afterAll(() => stack.close());

    it('treats 204 as success and reads the entity back', async () => {
      stack.upstream.store.putOperation('c1', { id: 'a', status: 'inprogress' });
      const result = await stack.gql('mutation { updateConnectionOperation(connectionId: "c1", id: "a", input: { status: COMPLETED }) { id status etag } }');
      expect(result.errors).toBeUndefined();
      expect(result.data!.updateConnectionOperation).toEqual({ id: 'a', status: 'COMPLETED', etag: stack.upstream.store.getOperation('c1', 'a')!.etag });
      expect(stack.httpRequests().map((r) => r.method)).toEqual(['PATCH', 'GET']);
    });
  });
});
