import { buildSchema as buildSdl, parse, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEstimator, type Estimator } from '../../src/budget/estimate.js';
import { keyedRead, keyedReadsPer, listPage, type FieldCostTable } from '../../src/budget/field-costs.js';
import { compileOperation } from '../../src/budget/plan.js';
import { buildSchema } from '../../src/gateway.js';

const list = (alias: string, first: string) => `${alias}: connectionOperations(connectionId: "c", first: ${first}) { nodes { id status } }`;

describe('budget estimate on the gateway schema', () => {
  let schema: GraphQLSchema;
  let estimate: Estimator;
  const run = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
    estimate(schema, parse(query), operationName, variables);

  beforeAll(() => {
    schema = buildSchema();
    estimate = createEstimator({ defaultPageSize: 100, readsPerRequest: 20 });
  });

  it('counts a list as one request and `first` nodes, literal or variable', () => {
    expect(run(`{ ${list('a', '7')} }`)).toEqual({ upstreamRequests: 1, nodes: 7 });
    expect(run(`query($n: Int) { ${list('a', '$n')} }`, { n: 1000 })).toEqual({ upstreamRequests: 1, nodes: 1000 });
    expect(run(`query($n: Int) { ${list('a', '$n')} }`, { n: 3 })).toEqual({ upstreamRequests: 1, nodes: 3 });
  });

  it('counts variable defaults, and DEFAULT_PAGE_SIZE without `first` (absent, null or unset)', () => {
    const withDefault = `query($n: Int = 1000) { ${list('a', '$n')} }`;
    expect(run(withDefault, {})).toEqual({ upstreamRequests: 1, nodes: 1000 });
    expect(run(withDefault, { n: 2 })).toEqual({ upstreamRequests: 1, nodes: 2 });
    expect(run('{ connectionOperations(connectionId: "c") { nodes { id } } }')).toEqual({ upstreamRequests: 1, nodes: 100 });
    expect(run(`query($n: Int) { ${list('a', '$n')} }`, {})).toEqual({ upstreamRequests: 1, nodes: 100 });
    expect(run(`query($n: Int) { ${list('a', '$n')} }`, { n: null })).toEqual({ upstreamRequests: 1, nodes: 100 });
    const small = createEstimator({ defaultPageSize: 3, readsPerRequest: 20 });
    expect(small(schema, parse('{ connectionOperations(connectionId: "c") { totalCount } }'), undefined, {})).toEqual({ upstreamRequests: 1, nodes: 3 });
  });

  it('counts the operations pages of many connections as $batch posts of 20, not one request each', () => {
    const nested = (first: number) => `{ externalConnections(first: ${first}) { nodes { operations(first: 5) { nodes { operationId } } } } }`;
    expect(run(nested(45))).toEqual({ upstreamRequests: 1 + 3, nodes: 45 + 45 * 5 });
    expect(run(nested(20))).toEqual({ upstreamRequests: 1 + 1, nodes: 20 + 100 });
    // Through edges and a fragment, and twice (two aliases resolve apart: charged apart).
    expect(run(`{ a: externalConnections(first: 21) { edges { node { ...O } } } b: externalConnections(first: 21) { nodes { ...O } } } fragment O on ExternalConnection { operations(first: 1) { totalCount } }`)).toEqual({
      upstreamRequests: 2 * (1 + 2),
      nodes: 2 * (21 + 21),
    });
    // One connection by key: one read, then one page.
    expect(run('{ externalConnection(connectionId: "c") { operations(first: 5) { nodes { id } } } }')).toEqual({ upstreamRequests: 2, nodes: 6 });
    // Without $batch every page is a request.
    const noBatch = createEstimator({ defaultPageSize: 100, readsPerRequest: 1 });
    expect(noBatch(schema, parse(nested(45)), undefined, {})).toEqual({ upstreamRequests: 46, nodes: 270 });
  });

  it('counts the schemas of many connections as $batch posts of 20, and the writes of a connection\'s life with the reads of their payloads', () => {
    expect(run('{ externalConnections(first: 45) { nodes { schema { baseType } } } }')).toEqual({ upstreamRequests: 1 + 3, nodes: 45 + 45 });
    expect(run('{ externalConnection(connectionId: "c") { schema { baseType } } }')).toEqual({ upstreamRequests: 2, nodes: 2 });
    const schema = '{ properties: [{ name: "t", type: STRING }] }';
    expect(run(`mutation { registerConnectionSchema(connectionId: "c", input: ${schema}) { operation { id } } }`)).toEqual({ upstreamRequests: 3, nodes: 2 });
    expect(run('mutation { deleteExternalConnection(connectionId: "c") { deletedId } }')).toEqual({ upstreamRequests: 2, nodes: 1 });
    expect(run('mutation { createExternalConnection(input: { connectionId: "c", name: "n" }) { id } }')).toEqual({ upstreamRequests: 2, nodes: 1 });
  });

  it('counts every alias', () => {
    const aliases = Array.from({ length: 200 }, (_, i) => list(`l${i}`, '$n')).join('\n');
    expect(run(`query($n: Int) { ${aliases} }`, { n: 1000 })).toEqual({ upstreamRequests: 200, nodes: 200_000 });
    expect(run(`query($n: Int) { ${aliases} }`, { n: 10 })).toEqual({ upstreamRequests: 200, nodes: 2000 });
  });

  it('counts a fragment once per spread, inline fragments and nested spreads included', () => {
    const fragment = `fragment L on Query { ${list('l', '$n')} }`;
    expect(run(`query($n: Int) { ...L ...L } ${fragment}`, { n: 5 })).toEqual({ upstreamRequests: 2, nodes: 10 });
    expect(run(`query($n: Int) { ...M ...L ... on Query { ...L } ... { ${list('x', '1')} } } fragment M on Query { ...L ...L } ${fragment}`, { n: 5 })).toEqual({
      upstreamRequests: 5,
      nodes: 21,
    });
  });

  it('honours @skip and @include with a literal or a variable `if`, and counts when the variable is missing', () => {
    const query = `query($s: Boolean, $i: Boolean = true) {
      a: connectionOperations(connectionId: "c", first: 1) @skip(if: true) { nodes { id } }
      b: connectionOperations(connectionId: "c", first: 2) @include(if: false) { nodes { id } }
      c: connectionOperations(connectionId: "c", first: 4) @skip(if: false) @include(if: true) { nodes { id } }
      d: connectionOperations(connectionId: "c", first: 8) @skip(if: $s) { nodes { id } }
      ... @include(if: $i) { e: connectionOperations(connectionId: "c", first: 16) { nodes { id } } }
    }`;
    expect(run(query, {})).toEqual({ upstreamRequests: 3, nodes: 28 });
    expect(run(query, { s: true })).toEqual({ upstreamRequests: 2, nodes: 20 });
    expect(run(query, { s: false, i: false })).toEqual({ upstreamRequests: 2, nodes: 12 });
    expect(run(query, { s: null })).toEqual({ upstreamRequests: 3, nodes: 28 });
  });

  it('sends the keyed reads of a query together, BATCH_MAX to a request: node, connectionOperation, nodes(ids) by variable', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`);
    const query = 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }';
    expect(run(query, { ids: ids(20) })).toEqual({ upstreamRequests: 1, nodes: 20 });
    expect(run(query, { ids: ids(45) })).toEqual({ upstreamRequests: 3, nodes: 45 });
    expect(run(query, { ids: 'one' })).toEqual({ upstreamRequests: 1, nodes: 1 });
    const mixed = `query($ids: [ID!]!) {
      nodes(ids: $ids) { id }
      node(id: "x") { id }
      connectionOperation(connectionId: "c", operationId: "o") { id }
      literal: nodes(ids: ["a", "b"]) { id }
    }`;
    expect(run(mixed, { ids: ids(16) })).toEqual({ upstreamRequests: 1, nodes: 20 });
    expect(run(mixed, { ids: ids(17) })).toEqual({ upstreamRequests: 2, nodes: 21 });
    const oneByOne = createEstimator({ defaultPageSize: 100, readsPerRequest: 1 });
    expect(oneByOne(schema, parse(mixed), undefined, { ids: ids(17) })).toEqual({ upstreamRequests: 21, nodes: 21 });
  });

  it('pools the keyed reads of root fragments with the other root fields', () => {
    const ids = Array.from({ length: 15 }, (_, i) => `id-${i}`);
    expect(run('query($ids: [ID!]!) { ...K ... on Query { ...K } } fragment K on Query { nodes(ids: $ids) { id } }', { ids })).toEqual({ upstreamRequests: 2, nodes: 30 });
  });

  it('counts `_entities` by its representations', () => {
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on ConnectionOperation { id status } } }';
    const representations = Array.from({ length: 50 }, (_, i) => ({ __typename: 'ConnectionOperation', connectionId: 'c', operationId: `o${i}` }));
    expect(run(query, { r: representations })).toEqual({ upstreamRequests: 3, nodes: 50 });
  });

  it('counts each mutation field as two requests (a write and its read-back) and one node', () => {
    const mutation = `mutation($c: ID!) {
      a: createConnectionOperation(connectionId: $c, input: { operationId: "x" }) { id }
      b: updateConnectionOperation(connectionId: $c, operationId: "x", input: { status: COMPLETED }) { id }
      c: deleteConnectionOperation(connectionId: $c, operationId: "x") { deletedId }
      d: addConnectionOperationReference(connectionId: $c, input: { operationId: "y" }) { id }
      e: deleteConnectionOperation(connectionId: $c, operationId: "y") { deletedId }
    }`;
    expect(run(mutation, { c: 'c' })).toEqual({ upstreamRequests: 10, nodes: 5 });
  });

  it('costs nothing for introspection, __typename and fields served from a parent', () => {
    expect(run('{ __typename __schema { types { name fields { name } } } _service { sdl } }')).toEqual({ upstreamRequests: 0, nodes: 0 });
  });

  it('gives no estimate when the variables do not coerce, for a subscription, or an unknown operation', () => {
    expect(run(`query($n: Int) { ${list('a', '$n')} }`, { n: 'many' })).toBeUndefined();
    expect(run('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', {})).toBeUndefined();
    expect(run('subscription { x }')).toBeUndefined();
    expect(run(`query A { ${list('a', '1')} }`, {}, 'B')).toBeUndefined();
    expect(run(`query A { ${list('a', '1')} } query B { ${list('b', '2')} }`)).toBeUndefined();
  });

  it('picks the named operation of a document with several', () => {
    const document = `query A { ${list('a', '1')} } query B($n: Int = 9) { ${list('b', '$n')} }`;
    expect(run(document, {}, 'A')).toEqual({ upstreamRequests: 1, nodes: 1 });
    expect(run(document, {}, 'B')).toEqual({ upstreamRequests: 1, nodes: 9 });
  });

  it('counts a field whose arguments do not coerce as nothing (it fails before its resolver runs)', () => {
    expect(run('{ connectionOperations(connectionId: "c", first: "many") { nodes { id } } }')).toEqual({ upstreamRequests: 0, nodes: 0 });
  });

  it('counts nothing for a `first` out of 1..1000 or more than 1000 ids: the argument checks refuse them before any upstream request', () => {
    expect(run(`query($n: Int) { ${list('a', '-5000')} ${list('b', '$n')} ${list('c', '0')} }`, { n: 100_000 })).toEqual({ upstreamRequests: 0, nodes: 0 });
    expect(run(`query($n: Int) { ${list('a', '$n')} ${list('b', '1000')} ${list('c', '1')} }`, { n: 1001 })).toEqual({ upstreamRequests: 2, nodes: 1001 });
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`);
    const query = 'query($ids: [ID!]!) { nodes(ids: $ids) { id } node(id: "x") { id } }';
    expect(run(query, { ids: ids(1000) })).toEqual({ upstreamRequests: 51, nodes: 1001 });
    expect(run(query, { ids: ids(1001) })).toEqual({ upstreamRequests: 1, nodes: 1 });
  });

  it('survives a fragment cycle (which validation refuses) without recursing for ever', () => {
    expect(run(`{ ...A } fragment A on Query { ...B ${list('a', '3')} } fragment B on Query { ...A }`)).toEqual({ upstreamRequests: 1, nodes: 3 });
  });

  it('caches per document: a repeated document without variables gets the same estimate object; variables are read per request', () => {
    const document = parse(`{ ${list('a', '5')} }`);
    const first = estimate(schema, document, undefined, undefined);
    expect(estimate(schema, document, undefined, undefined)).toBe(first);
    const withVariables = parse(`query($n: Int) { ${list('a', '$n')} }`);
    expect(estimate(schema, withVariables, undefined, { n: 1 })).toEqual({ upstreamRequests: 1, nodes: 1 });
    expect(estimate(schema, withVariables, undefined, { n: 2 })).toEqual({ upstreamRequests: 1, nodes: 2 });
  });

  it('reads and coerces only the arguments costs depend on', () => {
    // $c and $after would not coerce, or are missing; they are not the budget's to report.
    const query = 'query($n: Int, $c: ID!, $after: String) { connectionOperations(connectionId: $c, first: $n, after: $after) { nodes { id } } }';
    expect(run(query, { n: 4, after: 12 })).toEqual({ upstreamRequests: 1, nodes: 4 });
    // A key read does not depend on its variables: its estimate is cached like a document without any.
    const byId = parse('query($id: ID!, $c: ID!, $o: ID!) { node(id: $id) { id } connectionOperation(connectionId: $c, operationId: $o) { id } }');
    const first = estimate(schema, byId, undefined, { id: 'a', c: 'c', o: 'o' });
    expect(first).toEqual({ upstreamRequests: 1, nodes: 2 });
    expect(estimate(schema, byId, undefined, { id: 'b' })).toBe(first);
  });

  it('counts nothing for a field whose counted argument execution would refuse (null or missing for a non-null type)', () => {
    const query = 'query($ids: [ID!]) { nodes(ids: $ids) { id } other: nodes(ids: ["a"]) { id } }';
    expect(run(query, { ids: null })).toEqual({ upstreamRequests: 1, nodes: 1 });
    expect(run(query, {})).toEqual({ upstreamRequests: 1, nodes: 1 });
    const inList = 'query($a: ID, $b: ID) { nodes(ids: ["x", $a, $b]) { id } }';
    expect(run(inList, { a: 'a', b: 'b' })).toEqual({ upstreamRequests: 1, nodes: 3 });
    expect(run(inList, { a: 'a' })).toEqual({ upstreamRequests: 0, nodes: 0 });
  });
});

describe('budget estimate of lists nested in lists (a schema of its own)', () => {
  const schema = buildSdl(`
    type Query { things(first: Int): ThingPage!  thing(id: ID!): Thing  defaulted(first: Int = 7): ThingPage!  required(first: Int!): ThingPage! }
    type Mutation { touch(ids: [ID!]!): [Thing] }
    type Subscription { thingChanged(id: ID!): Thing }
    type ThingPage { nodes: [Thing!]!  edges: [ThingEdge!]! }
    type ThingEdge { node: Thing! }
    type Thing { id: ID!  parts(first: Int): PartPage!  owner: Thing }
    type PartPage { nodes: [Part!]! }
    type Part { id: ID!  things(first: Int): ThingPage! }
  `);
  const table: FieldCostTable = {
    'Query.things': listPage('first'),
    'Query.thing': keyedRead,
    'Thing.parts': listPage('first'),
    'Thing.owner': keyedRead,
    'Part.things': listPage('first'),
    'Query.defaulted': listPage('first'),
    'Query.required': listPage('first'),
    'Mutation.touch': keyedReadsPer('ids'),
    'Subscription.thingChanged': keyedRead,
  };
  const estimate = createEstimator({ defaultPageSize: 10, readsPerRequest: 20, table });
  const run = (query: string, variables?: Record<string, unknown>) => estimate(schema, parse(query), undefined, variables);

  it('multiplies the costs of a child list by the parent list nodes', () => {
    expect(run('query($a: Int, $b: Int) { things(first: $a) { nodes { parts(first: $b) { nodes { id } } } } }', { a: 10, b: 5 })).toEqual({
      upstreamRequests: 1 + 10,
      nodes: 10 + 10 * 5,
    });
    // Three levels, the default page size in the middle.
    expect(run('{ things(first: 3) { nodes { parts { nodes { things(first: 2) { nodes { id } } } } } } }')).toEqual({
      upstreamRequests: 1 + 3 + 3 * 10,
      nodes: 3 + 3 * 10 + 3 * 10 * 2,
    });
  });

  it("applies the schema's argument default before the configured page size", () => {
    expect(run('{ defaulted { nodes { id } } }')).toEqual({ upstreamRequests: 1, nodes: 7 });
    expect(run('query($n: Int) { defaulted(first: $n) { nodes { id } } }', {})).toEqual({ upstreamRequests: 1, nodes: 7 });
    expect(run('query($n: Int) { defaulted(first: $n) { nodes { id } } }', { n: null })).toEqual({ upstreamRequests: 1, nodes: 10 });
  });

  it('counts nothing for a required argument that is missing or null (execution fails the field)', () => {
    const query = 'query($n: Int) { required(first: $n) { nodes { id } } }';
    expect(run(query, {})).toEqual({ upstreamRequests: 0, nodes: 0 });
    expect(run(query, { n: null })).toEqual({ upstreamRequests: 0, nodes: 0 });
    expect(run(query, { n: 3 })).toEqual({ upstreamRequests: 1, nodes: 3 });
  });

  it('keeps in the plan only what costs, and the way to it', () => {
    const plan = compileOperation(schema, parse('{ thing(id: "t") { id owner { id } parts { nodes { id } } } things { nodes { id } } __typename }'), undefined, table, { defaultPageSize: 10 })!;
    expect(plan.root.terms).toHaveLength(2);
    const thing = plan.root.terms[0]!;
    expect(thing.kind === 'field' && thing.children?.terms).toHaveLength(2);
  });

  it('treats fewer than one read per request as one', () => {
    const unbatched = createEstimator({ defaultPageSize: 10, readsPerRequest: 0, table });
    expect(unbatched(schema, parse('{ a: thing(id: "a") { id } b: thing(id: "b") { id } }'), undefined, {})).toEqual({ upstreamRequests: 2, nodes: 2 });
  });

  it('counts the child list under nodes and under edges, and under a fragment spread twice', () => {
    expect(run('{ things(first: 4) { nodes { parts(first: 2) { nodes { id } } } edges { node { ...P ...P } } } } fragment P on Thing { parts(first: 3) { nodes { id } } }')).toEqual({
      upstreamRequests: 1 + 4 + 4 * 2,
      nodes: 4 + 4 * 2 + 4 * 2 * 3,
    });
  });

  it('charges keyed reads below a list per parent instance, rounded up to a $batch each', () => {
    expect(run('{ things(first: 7) { nodes { owner { id } } } thing(id: "t") { owner { id } } }')).toEqual({
      upstreamRequests: 1 + 7 + 1 + 1,
      nodes: 7 + 7 + 1 + 1,
    });
  });

  it('charges the keyed reads of each mutation field on its own (they run one after the other)', () => {
    expect(run('mutation { a: touch(ids: ["1", "2", "3"]) { id } b: touch(ids: ["4", "5"]) { id } }')).toEqual({ upstreamRequests: 2, nodes: 5 });
  });

  it('gives no estimate for a subscription, or an operation type the schema does not have', () => {
    expect(run('subscription { thingChanged(id: "t") { parts(first: 1000) { nodes { id } } } }')).toBeUndefined();
    const queryOnly = buildSdl('type Query { a: Int }');
    expect(estimate(queryOnly, parse('mutation { a }'), undefined, {})).toBeUndefined();
  });

  it('stays linear in the document for fragments spread inside fragments', () => {
    // 26 levels of doubling: 2^25 spreads of F0 by the time they are counted, in microseconds.
    const levels = 26;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === 0 ? 'fragment F0 on Thing { parts(first: 1000) { nodes { id } } }' : `fragment F${i} on Thing { ...F${i - 1} ...F${i - 1} }`,
    ).join('\n');
    const started = performance.now();
    const result = run(`query($n: Int) { things(first: $n) { nodes { ...F${levels - 1} } } } ${fragments}`, { n: 1000 });
    expect(performance.now() - started).toBeLessThan(200);
    expect(result).toEqual({ upstreamRequests: 1 + 1000 * 2 ** 25, nodes: 1000 + 1000 * 2 ** 25 * 1000 });
  });

  it('clamps what overflows exact numbers', () => {
    const level = (depth: number): string =>
      depth === 0 ? 'id' : `${depth % 2 === 1 ? 'things' : 'parts'}(first: 1000) { nodes { ${level(depth - 1)} } }`;
    // things → parts → things …, 7 lists of 1000 deep: 10^21 nodes, 10^18 requests.
    expect(run(`{ ${level(7)} }`)).toEqual({ upstreamRequests: Number.MAX_SAFE_INTEGER, nodes: Number.MAX_SAFE_INTEGER });
  });
});
