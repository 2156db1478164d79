/**
 * Every upstream request asks Microsoft Graph for evolvable-enum members it would otherwise hide behind
 * `unknownFutureValue` (`Prefer: include-unknown-enum-members`): plain GETs, lists, `$batch` posts and each
 * of their parts, connections and writes.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ service: { seed: true } });
});
afterAll(() => stack.close());

it('sends Prefer: include-unknown-enum-members on every upstream request and $batch part', async () => {
  const result = await stack.gql(`{
    one: connectionOperation(connectionId: "contosohr", operationId: "hr-schema-1") { status }
    a: connectionOperation(connectionId: "contosotickets", operationId: "tickets-schema-1") { status }
    b: connectionOperation(connectionId: "contosotickets", operationId: "tickets-schema-2") { status }
    list: connectionOperations(connectionId: "fabrikamwiki", first: 2) { nodes { status } }
    connections: externalConnections(first: 2) { nodes { state } }
  }`);
  expect(result.errors).toBeUndefined();
  await stack.gql('mutation { createConnectionOperation(connectionId: "contosohr", input: { operationId: "prefer-1" }) { operationId } }');
  const requests = [...stack.httpRequests(), ...stack.batchParts()];
  expect(stack.batchParts().length).toBeGreaterThanOrEqual(3);
  expect(new Set(requests.map((r) => r.method))).toEqual(new Set(['GET', 'POST']));
  for (const request of requests) expect([request.method, request.path, request.headers.prefer]).toEqual([request.method, request.path, 'include-unknown-enum-members']);
});
