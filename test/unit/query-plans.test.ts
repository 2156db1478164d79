/**
 * QueryPlans: a compiled query answers what graphql-js answers (a corpus over a small schema with every
 * kind of field the gateway's schema has, run both ways and compared as JSON, also after yoga's masking),
 * and compiling stays within its bounds and out of the cases graphql-jit gets wrong.
 */
import { buildSchema, execute, parse, getOperationAST, GraphQLError, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { maskError } from 'graphql-yoga';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../src/context.js';
import { loadQueryCompiler, QueryPlans, type PlannedOperation, type QueryPlanLimits } from '../../src/http/query-plans.js';

const SDL = `
  enum Status { IN_PROGRESS COMPLETED }
  interface Node { id: ID! }
  type Item implements Node { id: ID! name: String status: Status tags: [String!] broken: String! children: [Item!] later: String owner: Owner }
  type Owner implements Node { id: ID! login: String }
  union Thing = Item | Owner
  input Pick { id: ID! }
  input Filter { or: [Filter!] id: ID }
  type Query {
    item(id: ID!): Item
    node(id: ID!): Node
    things: [Thing]!
    items(first: Int = 2, statuses: [Status!] = [COMPLETED]): [Item!]!
    plain: String
    required: Item!
    grid: [[Int]]
    picked(pick: Pick): Item
    search(filter: Filter): [Item!]
  }
  type Mutation { touch: Int }
`;

interface ItemData {
  id: string;
  name: string | null;
  status: string;
  tags: string[];
}

const ITEMS: ItemData[] = [
  { id: 'i1', name: 'one', status: 'COMPLETED', tags: ['a', 'b'] },
  { id: 'i2', name: null, status: 'IN_PROGRESS', tags: [] },
  { id: 'i3', name: 'three', status: 'COMPLETED', tags: ['c'] },
];

/** A GatewayError stands in for what the gateway's resolvers throw; a plain Error for a bug. */
class Expected extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'NOT_FOUND' } });
  }
}

function buildTestSchema(): GraphQLSchema {
  const schema = buildSchema(SDL);
  const item = (id: string) => ITEMS.find((candidate) => candidate.id === id) ?? null;
  const query = schema.getQueryType()!.getFields();
  query.item!.resolve = (_root, { id }: { id: string }) => {
    if (id === 'missing') throw new Expected('no such item');
    if (id === 'bug') throw new Error('a bug');
    return item(id);
  };
  query.node!.resolve = (_root, { id }: { id: string }) => (id.startsWith('o') ? { __kind: 'Owner', id, login: 'owner' } : item(id));
  query.things!.resolve = () => [ITEMS[0], { __kind: 'Owner', id: 'o1', login: 'someone' }, null];
  query.items!.resolve = (_root, { first, statuses }: { first: number; statuses: string[] }) =>
    Promise.resolve(ITEMS.filter((candidate) => statuses.includes(candidate.status)).slice(0, first));
  query.plain!.resolve = () => 'plain';
  query.required!.resolve = () => null;
  query.grid!.resolve = () => [[1, 2], null, [3, null]];
  query.picked!.resolve = (_root, { pick }: { pick?: { id: string } }) => (pick === undefined ? null : item(pick.id));
  query.search!.resolve = () => ITEMS;
  const itemFields = schema.getType('Item') as unknown as { getFields(): Record<string, { resolve?: unknown }> };
  itemFields.getFields().broken!.resolve = (parent: ItemData) => (parent.id === 'i2' ? null : `fine ${parent.id}`);
  itemFields.getFields().children!.resolve = (parent: ItemData) => (parent.id === 'i1' ? [ITEMS[1], ITEMS[2]] : []);
  itemFields.getFields().later!.resolve = async (parent: ItemData) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (parent.id === 'i3') throw new Expected('later failed');
    return `later ${parent.id}`;
  };
  itemFields.getFields().owner!.resolve = () => ({ id: 'o9', login: null });
  const resolveType = (value: { __kind?: string }) => value.__kind ?? 'Item';
  (schema.getType('Node') as unknown as { resolveType: unknown }).resolveType = resolveType;
  (schema.getType('Thing') as unknown as { resolveType: unknown }).resolveType = resolveType;
  return schema;
}

const CONTEXT = {} as GatewayContext;

function operationOf(query: string, operationName?: string, kept = true): PlannedOperation {
  const document = parse(query);
  const definition = getOperationAST(document, operationName);
  if (definition === null || definition === undefined) throw new Error('no such operation');
  return { document, definition, operationName, chars: query.length, kept };
}

/** What the client sees of a result: JSON, errors masked as the gateway masks them (a bug's message hidden). */
function shown(result: ExecutionResult): string {
  const masked = result.errors?.map((error) => (error.originalError instanceof Expected ? error : maskError(error, 'Unexpected error.', false)));
  return JSON.stringify(masked === undefined ? result : { ...result, errors: masked });
}

/** [name, query, variables] */
const corpus: Array<[string, string, Record<string, unknown> | undefined]> = [
  ['a field by key', '{ item(id: "i1") { id name status tags } }', undefined],
  ['null where there is nothing', '{ item(id: "nope") { id } }', undefined],
  ['an expected error (its extensions kept)', '{ item(id: "missing") { id } plain }', undefined],
  ['a bug (masked, its locations kept)', '{\n  plain\n  item(id: "bug") { id }\n}', undefined],
  ['a non-null field that is null (bubbles to the item)', '{ items(first: 3, statuses: [COMPLETED, IN_PROGRESS]) { id broken } }', undefined],
  ['a non-null root field that is null (data null)', '{ plain required { id } }', undefined],
  ['async fields and an async error in a list', '{ items(first: 3, statuses: [COMPLETED, IN_PROGRESS]) { id later } }', undefined],
  ['argument defaults, an enum list default', '{ items { id status } }', undefined],
  ['variables with enum-list and Int defaults, not given', 'query($s: [Status!] = [IN_PROGRESS], $n: Int = 1) { items(first: $n, statuses: $s) { id } }', {}],
  ['variables with defaults, given', 'query($s: [Status!] = [IN_PROGRESS], $n: Int = 1) { items(first: $n, statuses: $s) { id } }', { s: ['COMPLETED'], n: 5 }],
  ['a single value for a list variable', 'query($s: [Status!]) { items(statuses: $s) { id } }', { s: 'IN_PROGRESS' }],
  ['nested objects, aliases and repeated fields merged', '{ a: item(id: "i1") { id children { id name } } b: item(id: "i1") { children { status } id } }', undefined],
  ['fragments, inline fragments and __typename on an interface', '{ node(id: "o2") { __typename id ...O } n2: node(id: "i3") { ... on Item { name } } } fragment O on Owner { login }', undefined],
  ['a union list with a null', '{ things { __typename ... on Item { id } ... on Owner { login } } }', undefined],
  ['@skip and @include by variables on fields and fragments', 'query($yes: Boolean!, $no: Boolean!) { item(id: "i1") { id @skip(if: $yes) name @include(if: $yes) ...F @include(if: $no) ... on Item @skip(if: $no) { status } } } fragment F on Item { tags }', { yes: true, no: false }],
  ['@skip on a fragment spread, the field also selected elsewhere', 'query($no: Boolean!) { item(id: "i1") { name ...F @skip(if: $no) } } fragment F on Item { name tags }', { no: true }],
  ['lists of lists with nulls', '{ grid }', undefined],
  ['an object nested in an object', '{ item(id: "i2") { owner { id login } } }', undefined],
  ['introspection', '{ __typename __type(name: "Item") { name fields { name type { kind ofType { name } } } } __schema { queryType { name } } }', undefined],
  ['two operations, the second chosen', 'query A { plain } query B { item(id: "i3") { name } }', undefined],
  ['strings that would break out of generated code', String.raw`{ item(id: "\"); globalThis.escaped = 1; (\"") { id } b: item(id: "${'`'}${'$'}{globalThis.escaped = 2}${'`'}\u2028") { id } }`, undefined],
];

// First in the file: graphql-jit is loaded once per module instance, and this file's is fresh.
describe('before graphql-jit has loaded', () => {
  it('runs a query on graphql-js, loads graphql-jit, and compiles the query on its next run', async () => {
    const plans = new QueryPlans(buildTestSchema());
    const operation = operationOf('{ item(id: "i1") { name } }');
    expect(await plans.executorFor(operation)(CONTEXT, undefined)).toEqual({ data: { item: { name: 'one' } } });
    expect(plans.stats).toEqual({ compiled: 0, interpreted: 1 });
    expect(operation.executor).toBeUndefined();
    await loadQueryCompiler();
    expect(await plans.executorFor(operation)(CONTEXT, undefined)).toEqual({ data: { item: { name: 'one' } } });
    expect(plans.stats).toEqual({ compiled: 1, interpreted: 1 });
    expect(plans.size).toBe(1);
  });
});

describe('a compiled query answers what graphql-js answers', () => {
  const schema = buildTestSchema();
  beforeAll(loadQueryCompiler);

  it.each(corpus)('%s', async (name, query, variables) => {
    const plans = new QueryPlans(schema);
    const operationName = name.startsWith('two operations') ? 'B' : undefined;
    const operation = operationOf(query, operationName);
    const compiled = await plans.executorFor(operation)(CONTEXT, variables);
    expect(plans.size).toBe(1);
    const interpreted = await execute({ schema, document: operation.document, variableValues: variables, operationName, contextValue: CONTEXT });
    expect(shown(compiled)).toBe(shown(interpreted));
    expect((globalThis as { escaped?: unknown }).escaped).toBeUndefined();
  });

  it('answers a variable that does not coerce in graphql-js words, and runs nothing', async () => {
    const plans = new QueryPlans(schema);
    const cases: Array<[string, Record<string, unknown>]> = [
      ['query($n: Int) { items(first: $n) { id } }', { n: '1' }],
      ['query($n: Int) { items(first: $n) { id } }', { n: 2 ** 31 }],
      ['query($s: [Status!]) { items(statuses: $s) { id } }', { s: ['COMPLETED', null] }],
      ['query($s: [Status!]) { items(statuses: $s) { id } }', { s: ['DONE'] }],
      ['query($id: ID!) { item(id: $id) { id } }', {}],
    ];
    for (const [query, variables] of cases) {
      const operation = operationOf(query);
      const compiled = await plans.executorFor(operation)(CONTEXT, variables);
      const interpreted = await execute({ schema, document: operation.document, variableValues: variables });
      expect(compiled.data, query).toBeUndefined();
      expect(JSON.stringify(compiled), JSON.stringify(variables)).toBe(JSON.stringify(interpreted));
    }
    expect(plans.size).toBe(cases.length);
  });

  it('leaves a document graphql-jit cannot compile to graphql-js (aliases named like Object.prototype members)', async () => {
    const plans = new QueryPlans(schema);
    for (const query of ['{ __proto__: plain item(id: "i1") { __proto__: name } }', '{ constructor: plain toString: item(id: "i1") { valueOf: id hasOwnProperty: name } }']) {
      const operation = operationOf(query);
      const result = await plans.executorFor(operation)(CONTEXT, undefined);
      expect(JSON.stringify(result)).toBe(JSON.stringify(await execute({ schema, document: operation.document })));
    }
    expect(JSON.stringify(await plans.executorFor(operationOf('{ __proto__: plain }'))(CONTEXT, undefined))).toBe('{"data":{"__proto__":"plain"}}');
    expect(plans.size).toBe(0);
    expect(plans.stats).toEqual({ compiled: 0, interpreted: 3 });
  });

  it('reuses the plan of an operation it keeps, and compiles again one it does not', () => {
    const plans = new QueryPlans(schema);
    const kept = operationOf('{ plain }');
    expect(plans.executorFor(kept)).toBe(plans.executorFor(kept));
    expect(plans.size).toBe(1);
    // An operation PreparedDocuments does not keep (a sixteenth name tried on one text) is never compiled.
    const passing = operationOf('{ plain }', undefined, false);
    plans.executorFor(passing);
    plans.executorFor(passing);
    expect(plans.size).toBe(1);
  });
});

describe('what runs on graphql-js instead', () => {
  const schema = buildTestSchema();
  beforeAll(loadQueryCompiler);
  const limits: QueryPlanLimits = { maxQueryChars: 200, maxPlans: 3, maxPlannedChars: 400 };

  it('a mutation', async () => {
    const plans = new QueryPlans(schema, limits);
    const result = await plans.executorFor(operationOf('mutation { touch }'))(CONTEXT, undefined);
    expect(result).toEqual({ data: { touch: null } });
    expect(plans.size).toBe(0);
  });

  it('an operation with an input-object variable (graphql-jit loops forever on a recursive one)', async () => {
    const plans = new QueryPlans(schema, limits);
    // Pick is not recursive, so compiling it would end: it shows the rule without hanging the test.
    const operation = operationOf('query($p: Pick) { picked(pick: $p) { id } }');
    const result = await plans.executorFor(operation)(CONTEXT, { p: { id: 'i3' } });
    expect(result).toEqual({ data: { picked: { id: 'i3' } } });
    expect(plans.size).toBe(0);
    // The recursive one, run by graphql-js.
    const recursive = operationOf('query($f: Filter) { search(filter: $f) { id } }');
    expect(await plans.executorFor(recursive)(CONTEXT, { f: { or: [{ or: [{ id: 'x' }] }] } })).toEqual({ data: { search: [{ id: 'i1' }, { id: 'i2' }, { id: 'i3' }] } });
    expect(plans.size).toBe(0);
  });

  it('a text longer than maxQueryChars', () => {
    const plans = new QueryPlans(schema, limits);
    plans.executorFor(operationOf(`{ plain ${' '.repeat(200)}}`));
    expect(plans.size).toBe(0);
    plans.executorFor(operationOf(`{ plain ${' '.repeat(180)}}`));
    expect(plans.size).toBe(1);
  });

  it('past maxPlans plans, until one is released', async () => {
    const plans = new QueryPlans(schema, limits);
    const operations = ['{ plain }', '{ grid }', '{ things { __typename } }', '{ items { id } }'].map((query) => operationOf(query));
    for (const operation of operations) plans.executorFor(operation);
    expect(plans.size).toBe(3);
    // The fourth runs on graphql-js, and keeps doing so (its executor is chosen once).
    expect(await plans.executorFor(operations[3]!)(CONTEXT, undefined)).toEqual({ data: { items: [{ id: 'i1' }, { id: 'i3' }] } });
    plans.released(operations[0]!);
    expect(plans.size).toBe(2);
    plans.executorFor(operationOf('{ required { id } }'));
    expect(plans.size).toBe(3);
    // Releasing an operation that runs on graphql-js changes nothing.
    plans.released(operations[3]!);
    expect(plans.size).toBe(3);
  });

  it('past maxPlannedChars characters of planned texts', () => {
    const plans = new QueryPlans(schema, limits);
    const padded = (query: string, chars: number) => operationOf(query + ' '.repeat(chars - query.length));
    plans.executorFor(padded('{ plain }', 190));
    plans.executorFor(padded('{ grid }', 190));
    expect(plans.size).toBe(2);
    plans.executorFor(padded('{ items { id } }', 30));
    expect(plans.size).toBe(2);
    plans.executorFor(padded('{ required { id } }', 20));
    expect(plans.size).toBe(3);
  });
});
