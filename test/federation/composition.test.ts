/**
 * The gateway as a Federation v2 subgraph: its SDL (scripts/supergraph.ts and `_service { sdl }`) composes
 * with an independent "deployments" subgraph that extends ConnectionOperation, under both composers a router
 * may use: @theguild/federation-composition (Hive) and @apollo/composition (Apollo). No router here: see
 * routers.test.ts for queries across both subgraphs.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices as composeWithApollo } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { composeServices as composeWithGuild } from '@theguild/federation-composition';
import {
  Kind,
  buildASTSchema,
  buildSchema as buildSchemaFromSdl,
  lexicographicSortSchema,
  parse,
  printSchema,
  type ConstDirectiveNode,
  type ObjectTypeDefinitionNode,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, subgraphSdl } from '../../scripts/supergraph.js';
import { startStack, type Stack } from '../support/stack.js';
import { deploymentsSdl } from './deployments-subgraph.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const OPERATIONS_URL = 'http://operations.test/graphql';
const DEPLOYMENTS_URL = 'http://deployments.test/graphql';

/**
 * Apollo composition hints we accept, each because it cannot change how a query is planned or answered:
 * - INCONSISTENT_DESCRIPTION: subgraphs describe a shared element (e.g. ConnectionOperation.id) differently;
 *   the supergraph keeps one description. Only documentation differs.
 * Every other hint (inconsistent entity/keys, field types, enum values, unused enums, argument presence,
 * federation version upgrades, ...) points at a contract the two teams disagree on, and fails the test.
 * (@theguild/federation-composition reports errors only, no hints.)
 */
const ALLOWED_HINTS: ReadonlySet<string> = new Set(['INCONSISTENT_DESCRIPTION']);

/** The `@join__type` and `@join__field` graphs of one object type in a supergraph SDL. */
function joinsOf(supergraphSdl: string, typeName: string): { types: Array<{ graph: string; key?: string }>; fields: Record<string, string[]> } {
  const definition = parse(supergraphSdl).definitions.find(
    (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === typeName,
  );
  if (definition === undefined) throw new Error(`${typeName} is not in the supergraph`);
  const argument = (directive: ConstDirectiveNode, name: string): string | undefined => {
    const value = directive.arguments?.find((a) => a.name.value === name)?.value;
    return value?.kind === Kind.STRING || value?.kind === Kind.ENUM ? value.value : undefined;
  };
  const types = (definition.directives ?? [])
    .filter((d) => d.name.value === 'join__type')
    .map((d) => ({ graph: argument(d, 'graph')!, ...(argument(d, 'key') !== undefined ? { key: argument(d, 'key')! } : {}) }))
    .sort((a, b) => a.graph.localeCompare(b.graph));
  const fields: Record<string, string[]> = {};
  for (const field of definition.fields ?? []) {
    // No @join__field: the field is resolvable in every graph that defines the type (here, the key fields).
    fields[field.name.value] = (field.directives ?? []).filter((d) => d.name.value === 'join__field').map((d) => argument(d, 'graph')!).sort();
  }
  return { types, fields };
}

/** What both composers must produce for ConnectionOperation: one entity with the same key in both graphs. */
function expectConnectionOperationJoinedFromBothGraphs(supergraphSdl: string): void {
  expect(joinsOf(supergraphSdl, 'ConnectionOperation')).toEqual({
    types: [
      { graph: 'DEPLOYMENTS', key: 'connectionId id' },
      { graph: 'OPERATIONS', key: 'connectionId id' },
    ],
    fields: { connectionId: [], id: [], status: ['OPERATIONS'], error: ['OPERATIONS'], etag: ['OPERATIONS'], deployedBy: ['DEPLOYMENTS'] },
  });
  expect(joinsOf(supergraphSdl, 'Deployment').types).toEqual([{ graph: 'DEPLOYMENTS', key: 'id' }]);
  expect(supergraphSdl).toContain(`OPERATIONS @join__graph(name: "operations", url: "${OPERATIONS_URL}")`);
  expect(supergraphSdl).toContain(`DEPLOYMENTS @join__graph(name: "deployments", url: "${DEPLOYMENTS_URL}")`);
}

function services(operationsSdl: string) {
  return [
    { name: 'operations', url: OPERATIONS_URL, typeDefs: parse(operationsSdl) },
    { name: 'deployments', url: DEPLOYMENTS_URL, typeDefs: parse(deploymentsSdl) },
  ];
}

/** Runs scripts/supergraph.ts the way `npm run supergraph` does (tsx), without npm's own output. */
function runScript(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/supergraph.ts', ...args], { cwd: root }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('subgraph SDL', () => {
  it('is schema.graphql with the federation @link and the ConnectionOperation key', () => {
    const sdl = subgraphSdl();
    expect(sdl).toMatch(/^extend schema\s+@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.3", import: \["@key"\]\)/);
    expect(sdl).toMatch(/type ConnectionOperation\s+@key\(fields: "connectionId id"\)/);
    // The federation machinery is added at build time, not written into the SDL a composer reads.
    expect(sdl).not.toContain('_entities');
    expect(sdl).not.toContain('directive @key');
  });

  it('is what `npm run supergraph` prints (the script run as a process)', async () => {
    expect(await runScript([])).toEqual({ code: 0, stdout: `${subgraphSdl()}\n`, stderr: '' });
  });
});

describe('scripts/supergraph.ts with other subgraphs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'supergraph-'));
    writeFileSync(join(dir, 'deployments.graphql'), deploymentsSdl);
    // A subgraph that redefines Query.connectionOperation: a composition error.
    writeFileSync(join(dir, 'clash.graphql'), 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\ntype Query { connectionOperation: Int }\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** run() in-process, capturing what it writes. */
  function runInProcess(argv: string[]): { code: number; stdout: string; stderr: string } {
    let stdout = '';
    let stderr = '';
    const code = run(argv, { out: (text) => (stdout += text), err: (text) => (stderr += text) });
    return { code, stdout, stderr };
  }

  it('prints the supergraph composed by @theguild/federation-composition', () => {
    const result = runInProcess(['--url', OPERATIONS_URL, `deployments=${join(dir, 'deployments.graphql')}@${DEPLOYMENTS_URL}`]);
    const expected = composeWithGuild(services(subgraphSdl()));
    expect(result).toEqual({ code: 0, stdout: `${expected.supergraphSdl}\n`, stderr: '' });
    expectConnectionOperationJoinedFromBothGraphs(result.stdout);
  });

  it('with --composer apollo, prints the supergraph composed by @apollo/composition (no hints)', () => {
    const result = runInProcess(['--composer', 'apollo', '--url', OPERATIONS_URL, `deployments=${join(dir, 'deployments.graphql')}@${DEPLOYMENTS_URL}`]);
    const expected = composeWithApollo(services(subgraphSdl()));
    expect(result).toEqual({ code: 0, stdout: `${expected.supergraphSdl}\n`, stderr: '' });
    expectConnectionOperationJoinedFromBothGraphs(result.stdout);
  });

  it('prints the composition errors and exits 1', () => {
    const result = runInProcess(['--url', OPERATIONS_URL, `clash=${join(dir, 'clash.graphql')}@http://clash.test/graphql`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('"Query.connectionOperation"');
  });

  it('exits 2 with the usage on bad arguments', () => {
    for (const argv of [
      [`deployments=${join(dir, 'deployments.graphql')}@${DEPLOYMENTS_URL}`], ['--url', OPERATIONS_URL], ['--url', OPERATIONS_URL, 'deployments.graphql'],
      ['--composer', 'rover', '--url', OPERATIONS_URL, `deployments=${join(dir, 'deployments.graphql')}@${DEPLOYMENTS_URL}`],
    ]) {
      const result = runInProcess(argv);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('usage: supergraph');
    }
  });
});

describe('composition with a deployments subgraph that extends ConnectionOperation', () => {
  it('@theguild/federation-composition: no errors, ConnectionOperation joined from both graphs', () => {
    const result = composeWithGuild(services(subgraphSdl()));
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
    expectConnectionOperationJoinedFromBothGraphs(result.supergraphSdl!);
  });

  it('@apollo/composition: no errors, no hints outside the allow-list, ConnectionOperation joined from both graphs', () => {
    const result = composeWithApollo(services(subgraphSdl()));
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
    const hints = (result.hints ?? []).map((hint) => `${hint.definition.code}: ${hint.message}`);
    if (hints.length > 0) console.info(`@apollo/composition hints:\n${hints.join('\n')}`);
    expect(hints.filter((hint) => !ALLOWED_HINTS.has(hint.slice(0, hint.indexOf(':'))))).toEqual([]);
    expectConnectionOperationJoinedFromBothGraphs(result.supergraphSdl!);
  });

  it('both composers give the same client-facing API schema', () => {
    const guild = composeWithGuild(services(subgraphSdl()));
    const apollo = composeWithApollo(services(subgraphSdl()));
    const apiOfGuild = printSchema(lexicographicSortSchema(buildSchemaFromSdl(guild.publicSdl!)));
    const apiOfApollo = printSchema(lexicographicSortSchema(apollo.schema!.toAPISchema().toGraphQLJSSchema()));
    expect(apiOfGuild).toBe(apiOfApollo);
    expect(apiOfGuild).toContain('deployedBy: Deployment');
    expect(apiOfGuild).not.toContain('_entities');
  });
});

describe('the running gateway as a subgraph', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('serves `_service { sdl }`: the script\'s SDL in expanded form, composing to the same supergraph', async () => {
    const result = await stack.gql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(result.errors).toBeUndefined();
    const served = result.data!._service.sdl;
    // Not byte-equal: @apollo/subgraph serves the SDL with the federation definitions it added (the @link
    // definitions, federation__* directives, _Any, _Entity, _service, _entities), where printSubgraphSchema
    // leaves them out. Both are valid composer input; read back, they are the same subgraph.
    expect(served).toContain('@key(fields: "connectionId id")');
    expect(served).toContain('_entities(representations: [_Any!]!): [_Entity]!');
    expect(printSubgraphSchema(buildASTSchema(parse(served)))).toBe(subgraphSdl());
    expect(composeWithGuild(services(served)).supergraphSdl).toBe(composeWithGuild(services(subgraphSdl())).supergraphSdl);
    expect(composeWithApollo(services(served)).supergraphSdl).toBe(composeWithApollo(services(subgraphSdl())).supergraphSdl);
  });

  it('still answers plain (non-federation) queries on the same endpoint', async () => {
    stack.upstream.store.putOperation('c1', { id: 'op-1', status: 'inprogress' });
    const result = await stack.gql(`{
      connectionOperation(connectionId: "c1", id: "op-1") { __typename id connectionId status }
      connectionOperations(connectionId: "c1", first: 5) { nodes { id status } pageInfo { hasNextPage } }
    }`);
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      connectionOperation: { __typename: 'ConnectionOperation', id: 'op-1', connectionId: 'c1', status: 'IN_PROGRESS' },
      connectionOperations: { nodes: [{ id: 'op-1', status: 'IN_PROGRESS' }], pageInfo: { hasNextPage: false } },
    });
  });

  it('resolves `_entities` representations in order, an unknown key as null', async () => {
    stack.upstream.store.putOperation('c0', { id: 'op-0', status: 'completed' });
    stack.upstream.store.putOperation('c1', { id: 'op-1', status: 'failed', error: { errorCode: 'E1' } });
    stack.upstream.clearRequests();
    const result = await stack.gql(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on ConnectionOperation { id connectionId status error { errorCode } } } }`,
      {
        representations: [
          { __typename: 'ConnectionOperation', connectionId: 'c1', id: 'op-1' },
          { __typename: 'ConnectionOperation', connectionId: 'c0', id: 'missing' },
          { __typename: 'ConnectionOperation', connectionId: 'c0', id: 'op-0' },
        ],
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      _entities: [
        { id: 'op-1', connectionId: 'c1', status: 'FAILED', error: { errorCode: 'E1' } },
        null,
        { id: 'op-0', connectionId: 'c0', status: 'COMPLETED', error: null },
      ],
    });
    expect(stack.httpRequests().map((r) => r.method)).toEqual(['POST']);
    expect(stack.batchParts()).toHaveLength(3);
  });

  it('fails a malformed representation on its own, with BAD_USER_INPUT, and serves the others', async () => {
    stack.upstream.store.putOperation('c0', { id: 'op-0', status: 'completed' });
    stack.upstream.clearRequests();
    const result = await stack.gql(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on ConnectionOperation { id status } } }`,
      {
        representations: [
          { __typename: 'ConnectionOperation', connectionId: '', id: 'op-0' },
          { __typename: 'ConnectionOperation', id: 'op-0' },
          { __typename: 'ConnectionOperation', connectionId: 5, id: 'op-0' },
          { __typename: 'ConnectionOperation', connectionId: 'c0', id: 'op-0' },
        ],
      },
    );
    expect(result.data).toEqual({ _entities: [null, null, null, { id: 'op-0', status: 'COMPLETED' }] });
    expect(result.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['_entities', 0], 'BAD_USER_INPUT'],
      [['_entities', 1], 'BAD_USER_INPUT'],
      [['_entities', 2], 'BAD_USER_INPUT'],
    ]);
    expect(stack.httpRequests().map((r) => r.method)).toEqual(['GET']);
  });
});
