/**
 * Both of Graph's error shapes, both ways, over loopback: the gateway against the embedded service in its
 * beta mode (errorDetail) and its v1.0 mode (publicError). Reads give the same GraphQL `error`; writes send
 * exactly the upstream's shape; shapes the gateway does not expect degrade to nulls, never to errors.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorShape } from '../../src/odata/error-shape.js';
import type { ApiVersion, StoredError } from '@odata-gateway/odata-service';
import { pathBelowRoot, startStack, type Stack } from '../support/stack.js';

const ERROR = 'error { errorCode message target details { source message code } }';

interface Mode {
  apiVersion: ApiVersion;
  connectionsPath: 'connections' | 'external/connections';
  errorShape: ErrorShape;
  /** The connectionOperation type the upstream's `$metadata` declares (the CLI reads it at start). */
  operationType: string;
  /** The same failure as the upstream stores it. */
  stored: StoredError;
  /** What `error` reads as in GraphQL. */
  read: unknown;
}

const MODES: Mode[] = [
  {
    apiVersion: 'beta',
    connectionsPath: 'connections',
    errorShape: 'errorDetail',
    operationType: 'microsoft.graph.connectionOperation',
    stored: { errorCode: 'InvalidSchema', message: 'bad schema', details: [{ source: 'properties/a', message: 'too long' }] },
    read: { errorCode: 'InvalidSchema', message: 'bad schema', target: null, details: [{ source: 'properties/a', message: 'too long', code: null }] },
  },
  {
    apiVersion: 'v1.0',
    connectionsPath: 'external/connections',
    errorShape: 'publicError',
    operationType: 'microsoft.graph.externalConnectors.connectionOperation',
    stored: {
      code: 'InvalidSchema',
      message: 'bad schema',
      target: 'schema',
      details: [{ code: 'NameTooLong', message: 'too long', target: 'properties/a' }],
      innerError: { code: 'inner', message: 'not served' },
    },
    read: { errorCode: 'InvalidSchema', message: 'bad schema', target: 'schema', details: [{ source: 'properties/a', message: 'too long', code: 'NameTooLong' }] },
  },
];

describe.each(MODES)('against a $apiVersion upstream ($errorShape)', (mode) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ service: { apiVersion: mode.apiVersion, operationsApi: 'seed' }, config: { connectionsPath: mode.connectionsPath }, errorShape: mode.errorShape, operationType: mode.operationType });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.upstream.reset();
    stack.upstream.store.putOperation('c1', { id: 'failed', status: 'failed', error: mode.stored });
    stack.upstream.store.putOperation('c1', { id: 'ok', status: 'completed', error: null });
  });

  it('reads a failed operation’s error the same way, by key, in a $batch and in a list', async () => {
    const result = await stack.gql(`{
      one: connectionOperation(connectionId: "c1", operationId: "failed") { ${ERROR} }
      a: connectionOperation(connectionId: "c1", operationId: "failed") { status ${ERROR} }
      b: connectionOperation(connectionId: "c1", operationId: "ok") { ${ERROR} }
      list: connectionOperations(connectionId: "c1") { nodes { operationId ${ERROR} } }
    }`);
    expect(result.errors).toBeUndefined();
    expect(result.data!.one.error).toEqual(mode.read);
    expect(result.data!.a.error).toEqual(mode.read);
    expect(result.data!.b.error).toBeNull();
    expect(result.data!.list.nodes).toEqual([
      { operationId: 'failed', error: mode.read },
      { operationId: 'ok', error: null },
    ]);
  });

  it('creates with exactly the upstream’s error shape and reads it back', async () => {
    const input = { errorCode: 'E', message: 'm', target: 't', details: [{ source: 's', message: 'd', code: 'c' }] };
    const result = await stack.gql(
      `mutation($input: CreateConnectionOperationInput!) { createConnectionOperation(connectionId: "c1", input: $input) { ${ERROR} } }`,
      { input: { operationId: 'new', status: 'FAILED', error: input } },
    );
    expect(result.errors).toBeUndefined();
    const [post] = stack.httpRequests();
    expect(pathBelowRoot(stack, post!)).toBe(`/${mode.connectionsPath}/c1/operations`);
    const error =
      mode.errorShape === 'errorDetail'
        ? {
            '@odata.type': '#microsoft.graph.errorDetail',
            errorCode: 'E',
            message: 'm',
            details: [{ '@odata.type': '#microsoft.graph.innerErrorDetail', source: 's', message: 'd' }],
          }
        : {
            '@odata.type': '#microsoft.graph.publicError',
            code: 'E',
            message: 'm',
            target: 't',
            details: [{ '@odata.type': '#microsoft.graph.publicErrorDetail', code: 'c', message: 'd', target: 's' }],
          };
    expect(post!.body).toEqual({ '@odata.type': `#${mode.operationType}`, id: 'new', status: 'failed', error });
    // What the errorDetail shape has no place for is not written, so it does not read back.
    const expected = mode.errorShape === 'errorDetail' ? { ...input, target: null, details: [{ source: 's', message: 'd', code: null }] } : input;
    expect(result.data!.createConnectionOperation.error).toEqual(expected);
    const again = await stack.gql(`{ connectionOperation(connectionId: "c1", operationId: "new") { ${ERROR} } }`);
    expect(again.data!.connectionOperation.error).toEqual(expected);
  });

  it('updates with exactly the upstream’s error shape (PATCH), null included', async () => {
    const result = await stack.gql(
      `mutation { updateConnectionOperation(connectionId: "c1", operationId: "ok", input: { error: { errorCode: "X", target: "t" } }) { ${ERROR} } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(stack.httpRequests()[0]!.body).toEqual({
      '@odata.type': `#${mode.operationType}`,
      error:
        mode.errorShape === 'errorDetail'
          ? { '@odata.type': '#microsoft.graph.errorDetail', errorCode: 'X' }
          : { '@odata.type': '#microsoft.graph.publicError', code: 'X', target: 't' },
    });
    expect(result.data!.updateConnectionOperation.error).toEqual({
      errorCode: 'X',
      message: null,
      target: mode.errorShape === 'errorDetail' ? null : 't',
      details: null,
    });
    const cleared = await stack.gql(`mutation { updateConnectionOperation(connectionId: "c1", operationId: "failed", input: { error: null }) { ${ERROR} } }`);
    expect(cleared.data!.updateConnectionOperation.error).toBeNull();
    expect(stack.httpRequests()[1]!.body).toEqual({ '@odata.type': `#${mode.operationType}`, error: null });
  });
});

describe('shapes the gateway does not expect', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.upstream.reset());

  /** Stores any JSON as the error, as a lying or evolving upstream would send it. */
  const put = (id: string, error: unknown) => stack.upstream.store.putOperation('c1', { id, status: 'failed', error: error as StoredError });

  it('reads a publicError from a beta upstream, and mixed details, per object', async () => {
    put('v1', { code: 'C', target: 't', details: [{ source: 's', message: 'beta' }, { code: 'dc', target: 'dt' }] });
    const result = await stack.gql(`{ connectionOperation(connectionId: "c1", operationId: "v1") { ${ERROR} } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data!.connectionOperation.error).toEqual({
      errorCode: 'C',
      message: null,
      target: 't',
      details: [
        { source: 's', message: 'beta', code: null },
        { source: 'dt', message: null, code: 'dc' },
      ],
    });
  });

  it('degrades wrong types and unknown properties to nulls, never to a GraphQL error', async () => {
    put('a', { errorCode: 7, message: ['m'], target: {}, details: 'none', extra: { deep: true } });
    put('b', { code: null, details: [null, 'x', 3, { target: false, code: 1, message: 'kept' }] });
    put('c', 'a string, not an object');
    put('d', [{ errorCode: 'in an array' }]);
    const result = await stack.gql(`{
      a: connectionOperation(connectionId: "c1", operationId: "a") { status ${ERROR} }
      b: connectionOperation(connectionId: "c1", operationId: "b") { ${ERROR} }
      c: connectionOperation(connectionId: "c1", operationId: "c") { status ${ERROR} }
      d: connectionOperation(connectionId: "c1", operationId: "d") { ${ERROR} }
    }`);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      a: { status: 'FAILED', error: { errorCode: null, message: null, target: null, details: null } },
      b: { error: { errorCode: null, message: null, target: null, details: [{ source: null, message: 'kept', code: null }] } },
      c: { status: 'FAILED', error: null },
      d: { error: null },
    });
  });

  it('a gateway left at the default shape writes errorDetail, which a v1.0 upstream refuses (400)', async () => {
    const v1 = await startStack({ service: { apiVersion: 'v1.0', operationsApi: 'seed' }, config: { connectionsPath: 'external/connections' } });
    try {
      v1.upstream.store.addConnection('c1');
      const result = await v1.gql('mutation { createConnectionOperation(connectionId: "c1", input: { error: { errorCode: "E" } }) { id } }');
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstreamStatus: 400 });
      expect((v1.httpRequests()[0]!.body as { error: unknown }).error).toEqual({ '@odata.type': '#microsoft.graph.errorDetail', errorCode: 'E' });
    } finally {
      await v1.close();
    }
  });
});
