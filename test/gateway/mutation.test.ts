import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/global-id.js';
import { pathBelowRoot, startStack, type Stack } from '../support/stack.js';

const globalId = (connectionId: string, operationId: string) => encodeGlobalId({ type: 'ConnectionOperation', connectionId, operationId });

const FIELDS = 'id operationId connectionId status etag error { errorCode message details { source message } }';

describe.each(['connections', 'external/connections'] as const)('mutations over %s', (connectionsPath) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { connectionsPath } });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.upstream.reset();
    stack.upstream.store.addConnection('c1', 'Connection one');
  });

  it('creates with one POST carrying @odata.type annotations and OData enum names', async () => {
    const result = await stack.gql(
      `mutation($input: CreateConnectionOperationInput!) { createConnectionOperation(connectionId: "c1", input: $input) { ${FIELDS} } }`,
      { input: { operationId: 'new/1', status: 'FAILED', error: { errorCode: 'E', message: 'm', details: [{ source: 's', message: 'd' }] } } },
    );
    expect(result.errors).toBeUndefined();
    const stored = stack.upstream.store.getOperation('c1', 'new/1')!;
    expect(result.data!.createConnectionOperation).toEqual({
      id: globalId('c1', 'new/1'),
      operationId: 'new/1',
      connectionId: 'c1',
      status: 'FAILED',
      etag: stored.etag,
      error: { errorCode: 'E', message: 'm', details: [{ source: 's', message: 'd' }] },
    });
    const requests = stack.httpRequests();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe('POST');
    expect(pathBelowRoot(stack, requests[0]!)).toBe(`/${connectionsPath}/c1/operations`);
    expect(requests[0]!.body).toEqual({
      '@odata.type': '#microsoft.graph.connectionOperation',
      id: 'new/1',
      status: 'failed',
      error: {
        '@odata.type': '#microsoft.graph.errorDetail',
        errorCode: 'E',
        message: 'm',
        details: [{ '@odata.type': '#microsoft.graph.innerErrorDetail', source: 's', message: 'd' }],
      },
    });
  });

  it('lets the upstream choose the operationId when none is given', async () => {
    const result = await stack.gql('mutation { createConnectionOperation(connectionId: "c1", input: { status: IN_PROGRESS }) { id operationId status } }');
    const { id, operationId, status } = result.data!.createConnectionOperation;
    expect(status).toBe('IN_PROGRESS');
    expect(id).toBe(globalId('c1', operationId));
    expect(stack.upstream.store.getOperation('c1', operationId)?.status).toBe('inprogress');
    expect(stack.httpRequests()[0]!.body).toEqual({ '@odata.type': '#microsoft.graph.connectionOperation', status: 'inprogress' });
  });

  it('answers CONFLICT for a second create with the same operationId, after exactly one POST', async () => {
    stack.upstream.store.putOperation('c1', { id: 'dup', status: 'completed' });
    const result = await stack.gql('mutation { createConnectionOperation(connectionId: "c1", input: { operationId: "dup" }) { id } }');
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', upstreamStatus: 409 });
    expect(stack.httpRequests()).toHaveLength(1);
  });

  it('updates with PATCH and If-Match, and answers PRECONDITION_FAILED for a stale etag', async () => {
    const { etag } = stack.upstream.store.putOperation('c1', { id: 'u', status: 'inprogress' });
    const ok = await stack.gql(
      'mutation($e: String) { updateConnectionOperation(connectionId: "c1", operationId: "u", input: { status: COMPLETED }, ifMatch: $e) { id operationId status etag } }',
      { e: etag },
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.updateConnectionOperation).toMatchObject({ id: globalId('c1', 'u'), operationId: 'u', status: 'COMPLETED' });
    expect(ok.data!.updateConnectionOperation.etag).not.toBe(etag);
    const [patch] = stack.httpRequests();
    expect(patch!.method).toBe('PATCH');
    expect(patch!.headers['if-match']).toBe(etag);
    expect(patch!.body).toEqual({ '@odata.type': '#microsoft.graph.connectionOperation', status: 'completed' });

    const stale = await stack.gql(
      'mutation($e: String) { updateConnectionOperation(connectionId: "c1", operationId: "u", input: { status: FAILED }, ifMatch: $e) { id } }',
      { e: etag },
    );
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'PRECONDITION_FAILED', upstreamStatus: 412 });
    expect(stack.upstream.store.getOperation('c1', 'u')!.status).toBe('completed');
  });

  it('updates without If-Match, sets error to null, and reports NOT_FOUND for an unknown operation', async () => {
    stack.upstream.store.putOperation('c1', { id: 'u', status: 'failed', error: { errorCode: 'E', message: 'm', details: [] } });
    const ok = await stack.gql('mutation { updateConnectionOperation(connectionId: "c1", operationId: "u", input: { status: COMPLETED, error: null }) { status error { message } } }');
    expect(ok.data!.updateConnectionOperation).toEqual({ status: 'COMPLETED', error: null });
    expect(stack.httpRequests()[0]!.headers['if-match']).toBeUndefined();
    expect(stack.httpRequests()[0]!.body).toEqual({ '@odata.type': '#microsoft.graph.connectionOperation', status: 'completed', error: null });
    const missing = await stack.gql('mutation { updateConnectionOperation(connectionId: "c1", operationId: "nope", input: { status: COMPLETED }) { id } }');
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', upstreamStatus: 404 });
  });

  it('deletes with DELETE and If-Match', async () => {
    const { etag } = stack.upstream.store.putOperation('c1', { id: 'd 1', status: 'completed' });
    const stale = await stack.gql('mutation { deleteConnectionOperation(connectionId: "c1", operationId: "d 1", ifMatch: "W/\\"stale\\"") { deletedId } }');
    expect(stale.errors?.[0]?.extensions?.code).toBe('PRECONDITION_FAILED');
    const ok = await stack.gql('mutation($e: String) { deleteConnectionOperation(connectionId: "c1", operationId: "d 1", ifMatch: $e) { deletedId connectionId operationId } }', { e: etag });
    expect(ok.data!.deleteConnectionOperation).toEqual({ deletedId: globalId('c1', 'd 1'), connectionId: 'c1', operationId: 'd 1' });
    expect(stack.upstream.store.getOperation('c1', 'd 1')).toBeUndefined();
    const requests = stack.httpRequests();
    expect(requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE']);
    expect(pathBelowRoot(stack, requests[1]!)).toBe(`/${connectionsPath}/c1/operations/d%201`);
    const again = await stack.gql('mutation { deleteConnectionOperation(connectionId: "c1", operationId: "d 1") { deletedId } }');
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', upstreamStatus: 404 });
  });

  it('adds a reference with POST .../operations/$ref and the operation as body', async () => {
    const result = await stack.gql('mutation { addConnectionOperationReference(connectionId: "c1", input: { operationId: "r1", status: UNSPECIFIED }) { id operationId status connectionId } }');
    expect(result.data!.addConnectionOperationReference).toEqual({ id: globalId('c1', 'r1'), operationId: 'r1', status: 'UNSPECIFIED', connectionId: 'c1' });
    const [request] = stack.httpRequests();
    expect(request!.method).toBe('POST');
    expect(pathBelowRoot(stack, request!)).toBe(`/${connectionsPath}/c1/operations/$ref`);
    expect(request!.body).toEqual({ '@odata.type': '#microsoft.graph.connectionOperation', id: 'r1', status: 'unspecified' });
  });

  it('refuses a header-injecting ifMatch without a request', async () => {
    const result = await stack.gql('mutation($e: String) { deleteConnectionOperation(connectionId: "c1", operationId: "x", ifMatch: $e) { deletedId } }', { e: 'a\r\nx-evil: 1' });
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'ifMatch' });
    expect(stack.upstream.requests).toHaveLength(0);
  });
});
