/**
 * Today's Microsoft Graph end to end, over loopback, against the embedded service in its v1.0 mode (operations
 * readable by id only, created by Graph itself): create a connection, register a schema and watch the
 * operation Graph starts over graphql-sse and graphql-ws until it completes, read the schema back; register
 * an invalid one and see it fail with Graph's reasons; delete the connection and watch that operation end;
 * a registration answered with a hostile Location (the service's `location` fault) is refused, unvisited.
 * Checked on the upstream's request log too: one PATCH per registration, never retried; one read of the
 * operation per Location; one poller for the subscribers of one operation with the same credentials, and
 * another for a subscriber with other credentials.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client as WsClient } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { ended, watchOverSse, watchOverWs, wsClient } from '../support/subscription-clients.js';

const POLL_MS = 40;
/** The credentials two subscribers share, and another caller's. */
const TOKEN = 'Bearer flow-token';
const OTHER_TOKEN = 'Bearer other-token';

const CREATE = 'mutation($i: CreateExternalConnectionInput!) { createExternalConnection(input: $i) { connectionId name state } }';
const REGISTER = `mutation($c: ID!, $s: ConnectionSchemaInput!) {
  registerConnectionSchema(connectionId: $c, input: $s) { connection { connectionId state } operation { operationId status } }
}`;
const READ = `query($c: ID!) { externalConnection(connectionId: $c) { state schema { baseType properties { name type isSearchable isQueryable isRetrievable isRefinable labels aliases } } } }`;
const OPERATION = `query($c: ID!, $o: ID!) { connectionOperation(connectionId: $c, operationId: $o) { status error { errorCode message details { code message source } } } }`;

const SCHEMA = {
  properties: [
    { name: 'title', type: 'STRING', isSearchable: true, isRetrievable: true, labels: ['TITLE'] },
    { name: 'priority', type: 'INT64', isQueryable: true, isRefinable: true, aliases: ['prio'] },
    { name: 'tags', type: 'STRING_COLLECTION', isRetrievable: true },
  ],
};

describe('create a connection, register its schema, watch, delete: Graph v1.0 as it is today', () => {
  let stack: Stack;
  let ws: WsClient | undefined;
  beforeAll(async () => {
    stack = await startStack({
      service: { apiVersion: 'v1.0', operationDelayMs: 400 },
      config: { connectionsPath: 'external/connections', subscriptionPollMs: POLL_MS, subscriptionPollMaxMs: POLL_MS },
      errorShape: 'publicError',
    });
  });
  afterEach(async () => {
    await ws?.dispose();
    ws = undefined;
  });
  afterAll(() => stack.close());

  const path = (r: { path: string }) => r.path.slice(new URL(stack.serviceRoot).pathname.length);

  it('runs the whole flow with real subscription clients', async () => {
    stack.upstream.reset();
    const created = await stack.gql(CREATE, { i: { connectionId: 'tickets', name: 'Tickets', description: 'Our tickets' } });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createExternalConnection).toEqual({ connectionId: 'tickets', name: 'Tickets', state: 'DRAFT' });
    expect((await stack.gql(READ, { c: 'tickets' })).data!.externalConnection).toEqual({ state: 'DRAFT', schema: null });

    // Register: the operation Graph started, IN_PROGRESS, read once by its key.
    stack.upstream.clearRequests();
    const registered = await stack.gql(REGISTER, { c: 'tickets', s: SCHEMA });
    expect(registered.errors).toBeUndefined();
    const { operationId } = registered.data!.registerConnectionSchema.operation as { operationId: string };
    expect(registered.data!.registerConnectionSchema).toEqual({ connection: { connectionId: 'tickets', state: 'DRAFT' }, operation: { operationId, status: 'IN_PROGRESS' } });
    const sent = stack.httpRequests();
    expect(sent.filter((r) => r.method === 'PATCH').map(path)).toEqual(['/external/connections/tickets/schema']);
    expect(sent.filter((r) => r.method === 'GET' && path(r) === `/external/connections/tickets/operations/${operationId}`)).toHaveLength(1);

    // Watch it over both transports with the same credentials, and once more with other credentials: the
    // current state, then COMPLETED, then the end.
    stack.upstream.clearRequests();
    ws = wsClient(stack.url, TOKEN);
    const watched = { connectionId: 'tickets', operationId };
    const watchers = [watchOverSse(stack.url, watched, { authorization: TOKEN }), watchOverWs(ws, watched), watchOverSse(stack.url, watched, { authorization: OTHER_TOKEN })];
    for (const watching of watchers) await ended(watching, 8000);
    for (const watching of watchers) {
      expect(watching.errors).toEqual([]);
      expect(watching.completed).toBe(true);
      expect(watching.states.map((s) => s.status)).toEqual(['IN_PROGRESS', 'COMPLETED']);
    }
    // One poller per credentials: the SSE and the WebSocket subscriber with TOKEN shared one (every poll of it
    // carried TOKEN and one client-request-id); OTHER_TOKEN's subscriber had its own.
    const polls = stack.httpRequests().filter((r) => r.method === 'GET' && path(r).endsWith(`/operations/${operationId}`));
    const pollsWith = (token: string) => polls.filter((r) => r.headers['authorization'] === token);
    expect(pollsWith(TOKEN).length).toBeGreaterThan(1);
    expect(pollsWith(OTHER_TOKEN).length).toBeGreaterThan(1);
    expect(pollsWith(TOKEN).length + pollsWith(OTHER_TOKEN).length).toBe(polls.length);
    const pollers = (token: string) => new Set(pollsWith(token).map((r) => r.headers['client-request-id']));
    expect(pollers(TOKEN).size).toBe(1);
    expect(pollers(OTHER_TOKEN).size).toBe(1);
    expect([...pollers(TOKEN)][0]).not.toBe([...pollers(OTHER_TOKEN)][0]);

    // The schema reads back as registered; the connection is READY.
    const read = await stack.gql(READ, { c: 'tickets' });
    expect(read.errors).toBeUndefined();
    expect(read.data!.externalConnection).toEqual({
      state: 'READY',
      schema: {
        baseType: 'microsoft.graph.externalItem',
        properties: [
          { name: 'title', type: 'STRING', isSearchable: true, isQueryable: false, isRetrievable: true, isRefinable: false, labels: ['TITLE'], aliases: [] },
          { name: 'priority', type: 'INT64', isSearchable: false, isQueryable: true, isRetrievable: false, isRefinable: true, labels: [], aliases: ['prio'] },
          { name: 'tags', type: 'STRING_COLLECTION', isSearchable: false, isQueryable: false, isRetrievable: true, isRefinable: false, labels: [], aliases: [] },
        ],
      },
    });

    // An invalid schema: accepted (202), and its operation FAILED with Graph's reasons.
    stack.upstream.clearRequests();
    const invalid = await stack.gql(REGISTER, { c: 'tickets', s: { properties: [{ name: 'title', type: 'STRING', isSearchable: true, isRefinable: true }, { name: 'Title', type: 'INT64' }] } });
    expect(invalid.errors).toBeUndefined();
    const failedId = invalid.data!.registerConnectionSchema.operation.operationId as string;
    expect(stack.httpRequests().filter((r) => r.method === 'PATCH').map(path)).toEqual(['/external/connections/tickets/schema']);
    expect(stack.httpRequests().filter((r) => r.method === 'GET' && path(r) === `/external/connections/tickets/operations/${failedId}`)).toHaveLength(1);
    const watchingFailure = watchOverSse(stack.url, { connectionId: 'tickets', operationId: failedId });
    await ended(watchingFailure, 8000);
    expect(watchingFailure.states.map((s) => s.status)).toEqual(['IN_PROGRESS', 'FAILED']);
    expect(watchingFailure.states[1]!.error).toEqual({ errorCode: 'InvalidSchema', message: expect.stringContaining('not registered') });
    const failed = await stack.gql(OPERATION, { c: 'tickets', o: failedId });
    expect(failed.data!.connectionOperation.error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'SearchableAndRefinable', source: 'properties/title' }),
        expect.objectContaining({ code: 'DuplicatePropertyName' }),
      ]),
    );
    // The schema registered before is still there.
    expect((await stack.gql(READ, { c: 'tickets' })).data!.externalConnection.schema.properties).toHaveLength(3);

    // Delete: accepted with the Location of an operation; when it ends, the connection (and the operation) are gone.
    stack.upstream.clearRequests();
    const deleted = await stack.gql('mutation { deleteExternalConnection(connectionId: "tickets") { connectionId operation { operationId status } } }');
    expect(deleted.errors).toBeUndefined();
    const deleteId = deleted.data!.deleteExternalConnection.operation.operationId as string;
    expect(stack.httpRequests().filter((r) => r.method === 'DELETE').map(path)).toEqual(['/external/connections/tickets']);
    expect(stack.httpRequests().filter((r) => r.method === 'GET' && path(r) === `/external/connections/tickets/operations/${deleteId}`)).toHaveLength(1);
    expect(deleted.data!.deleteExternalConnection.operation.status).toBe('IN_PROGRESS');
    const watchingDelete = watchOverSse(stack.url, { connectionId: 'tickets', operationId: deleteId });
    await ended(watchingDelete, 8000);
    expect(watchingDelete.states.map((s) => s.status)).toEqual(['IN_PROGRESS']);
    expect(watchingDelete.errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect((await stack.gql(READ, { c: 'tickets' })).data!.externalConnection).toBeNull();
    // Since the deletion: no PATCH, and the DELETE sent once.
    expect(stack.upstream.requests.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['DELETE']);
  });

  it.each([
    ['a 503', { type: 'status', status: 503, retryAfter: 1 } as const, { code: 'THROTTLED', upstreamStatus: 503 }],
    ['a reset connection', { type: 'drop' } as const, { code: 'UPSTREAM_UNAVAILABLE', outcomeUnknown: true }],
    ['a lost answer after the registration started', { type: 'drop-after-commit' } as const, { code: 'UPSTREAM_UNAVAILABLE', outcomeUnknown: true }],
  ])('sends a registration once whatever happens to it: %s', async (_name, fault, extensions) => {
    stack.upstream.reset();
    stack.upstream.store.addConnection('c1');
    stack.upstream.clearRequests();
    stack.upstream.faults.add({ fault, match: { method: 'PATCH' } });
    const result = await stack.gql(REGISTER, { c: 'c1', s: SCHEMA });
    expect(result.errors?.[0]?.extensions).toMatchObject(extensions);
    expect(stack.upstream.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('refuses a hostile Location (another origin, another connection, a climb): UPSTREAM_ERROR, accepted, nothing contacted there', async () => {
    let contacted = 0;
    const elsewhere = createServer((_req, res) => {
      contacted++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    try {
      stack.upstream.reset();
      stack.upstream.setOperationDelay(Number.POSITIVE_INFINITY);
      stack.upstream.store.addConnection('c1');
      stack.upstream.store.addConnection('c2');
      stack.upstream.store.putOperation('c2', { id: 'theirs', status: 'inprogress' });
      const root = stack.serviceRoot;
      const hostile = [
        `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}${new URL(root).pathname}/external/connections/c1/operations/op1`,
        `${root}/external/connections/c2/operations/theirs`,
        `${root}/external/connections/c1/operations/x/../../../c2/operations/theirs`,
      ];
      for (const location of hostile) {
        stack.upstream.clearRequests();
        stack.upstream.faults.add({ fault: { type: 'location', location }, match: { method: 'PATCH' } });
        const result = await stack.gql(REGISTER, { c: 'c1', s: SCHEMA });
        expect([location, result.errors?.[0]?.extensions]).toEqual([location, { code: 'UPSTREAM_ERROR', upstreamStatus: 202, accepted: true, requestId: expect.any(String) }]);
        // The PATCH, and nothing where the Location pointed.
        expect(stack.upstream.requests.map((r) => `${r.method} ${path(r)}`)).toEqual(['PATCH /external/connections/c1/schema']);
        // Accepted indeed: the registration ran (settled here, so that the next one is not a CONFLICT).
        expect(stack.upstream.settleOperations()).toBe(1);
      }
      expect(contacted).toBe(0);
      expect((await stack.gql(READ, { c: 'c1' })).data!.externalConnection.state).toBe('READY');
    } finally {
      await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
    }
  });

  it('answers a schema Graph refuses at once (a refinable boolean) with BAD_USER_INPUT and its code: no operation started', async () => {
    stack.upstream.reset();
    stack.upstream.store.addConnection('c1');
    const result = await stack.gql(REGISTER, { c: 'c1', s: { properties: [{ name: 'done', type: 'BOOLEAN', isQueryable: true, isRefinable: true }] } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstreamStatus: 400, odataCode: 'InvalidRequest' });
    expect(result.errors?.[0]?.extensions?.['accepted']).toBeUndefined();
    expect(stack.upstream.requests.map((r) => r.method)).toEqual(['PATCH']);
    expect(stack.upstream.settleOperations()).toBe(0);
  });

  it('creates no connection without a description, which Graph v1.0 requires: its 400 as BAD_USER_INPUT', async () => {
    stack.upstream.reset();
    const created = await stack.gql(CREATE, { i: { connectionId: 'nodesc', name: 'No description' } });
    expect(created.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstreamStatus: 400, odataCode: 'BadRequest' });
    expect(stack.upstream.requests.map((r) => r.method)).toEqual(['POST']);
    expect((await stack.gql(READ, { c: 'nodesc' })).data!.externalConnection).toBeNull();
  });

  it('answers a registration already running with CONFLICT, and a schema of an unknown connection with NOT_FOUND', async () => {
    stack.upstream.reset();
    stack.upstream.store.addConnection('c1');
    stack.upstream.setOperationDelay(Number.POSITIVE_INFINITY);
    const first = await stack.gql(REGISTER, { c: 'c1', s: SCHEMA });
    expect(first.errors).toBeUndefined();
    const second = await stack.gql(REGISTER, { c: 'c1', s: SCHEMA });
    expect(second.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', upstreamStatus: 409 });
    const unknown = await stack.gql(REGISTER, { c: 'nope', s: SCHEMA });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', upstreamStatus: 404 });
    expect(stack.upstream.settleOperations()).toBe(1);
    expect((await stack.gql(READ, { c: 'c1' })).data!.externalConnection.state).toBe('READY');
  });
});
