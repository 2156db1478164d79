/**
 * The gateway as a Federation v2 subgraph: its SDL (scripts/supergraph.ts and `_service { sdl }`) composes
 * with two independent subgraphs, "deployments" (which extends ConnectionOperation and refers to it by
 * `connectionId operationId`) and "incidents" (which refers to it by the global `id`), under both composers a
 * router may use: @theguild/federation-composition (Hive) and @apollo/composition (Apollo). `_entities` is
 * exercised here directly with both kinds of representation; see routers.test.ts for queries across the
 * subgraphs through real routers.
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
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run, subgraphSdl } from '../../scripts/supergraph.js';
import { encodeGlobalId } from '../../src/global-id.js';
import { pathBelowRoot, startStack, type Stack } from '../support/stack.js';
import { deploymentsSdl } from './deployments-subgraph.js';
import { incidentsSdl } from './incidents-subgraph.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const OPERATIONS_URL = 'http://operations.test/graphql';
const DEPLOYMENTS_URL = 'http://deployments.test/graphql';
const INCIDENTS_URL = 'http://incidents.test/graphql';

const globalId = (connectionId: string, operationId: string) => encodeGlobalId({ type: 'ConnectionOperation', connectionId, operationId });

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
function joinsOf(supergraphSdl: string, typeName: string): { types: Array<{ graph: string; key?: string; resolvable?: boolean }>; fields: Record<string, string[]> } {
  const definition = parse(supergraphSdl).definitions.find(
    (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === typeName,
  );
  if (definition === undefined) throw new Error(`${typeName} is not in the supergraph`);
  const argument = (directive: ConstDirectiveNode, name: string): string | undefined => {
    const value = directive.arguments?.find((a) => a.name.value === name)?.value;
    return value?.kind === Kind.STRING || value?.kind === Kind.ENUM ? value.value : undefined;
  };
  const resolvable = (directive: ConstDirectiveNode): boolean | undefined => {
    const value = directive.arguments?.find((a) => a.name.value === 'resolvable')?.value;
    return value?.kind === Kind.BOOLEAN ? value.value : undefined;
  };
  const types = (definition.directives ?? [])
    .filter((d) => d.name.value === 'join__type')
    .map((d) => ({
      graph: argument(d, 'graph')!,
      ...(argument(d, 'key') !== undefined ? { key: argument(d, 'key')! } : {}),
      // Only `resolvable: false` matters (true is the default, and composers differ in spelling it out).
      ...(resolvable(d) === false ? { resolvable: false } : {}),
    }))
    .sort((a, b) => a.graph.localeCompare(b.graph) || (a.key ?? '').localeCompare(b.key ?? ''));
  const fields: Record<string, string[]> = {};
  for (const field of definition.fields ?? []) {
    // No @join__field: the field is resolvable in every graph that defines the type (here, the key fields).
    fields[field.name.value] = (field.directives ?? []).filter((d) => d.name.value === 'join__field').map((d) => argument(d, 'graph')!).sort();
  }
  return { types, fields };
}

/**
 * What both composers must produce for ConnectionOperation: one entity that our graph resolves by either key,
 * deployments by `connectionId operationId` and incidents (which cannot resolve it) by `id`.
 */
function expectConnectionOperationJoinedFromAllGraphs(supergraphSdl: string): void {
  const joins = joinsOf(supergraphSdl, 'ConnectionOperation');
  expect(joins.types).toEqual([
    { graph: 'DEPLOYMENTS', key: 'connectionId operationId' },
    { graph: 'INCIDENTS', key: 'id', resolvable: false },
    { graph: 'OPERATIONS', key: 'connectionId operationId' },
    { graph: 'OPERATIONS', key: 'id' },
  ]);
  expect(joins.fields).toEqual({
    id: ['INCIDENTS', 'OPERATIONS'],
    operationId: ['DEPLOYMENTS', 'OPERATIONS'],
    connectionId: ['DEPLOYMENTS', 'OPERATIONS'],
    status: ['OPERATIONS'],
    error: ['OPERATIONS'],
    etag: ['OPERATIONS'],
    deployedBy: ['DEPLOYMENTS'],
  });
  expect(joinsOf(supergraphSdl, 'Deployment').types).toEqual([{ graph: 'DEPLOYMENTS', key: 'id' }]);
  expect(joinsOf(supergraphSdl, 'Incident').types).toEqual([{ graph: 'INCIDENTS', key: 'id' }]);
  expect(supergraphSdl).toContain(`OPERATIONS @join__graph(name: "operations", url: "${OPERATIONS_URL}")`);
  expect(supergraphSdl).toContain(`DEPLOYMENTS @join__graph(name: "deployments", url: "${DEPLOYMENTS_URL}")`);
  expect(supergraphSdl).toContain(`INCIDENTS @join__graph(name: "incidents", url: "${INCIDENTS_URL}")`);
}

function services(operationsSdl: string) {
  return [
    { name: 'operations', url: OPERATIONS_URL, typeDefs: parse(operationsSdl) },
    { name: 'deployments', url: DEPLOYMENTS_URL, typeDefs: parse(deploymentsSdl) },
    { name: 'incidents', url: INCIDENTS_URL, typeDefs: parse(incidentsSdl) },
  ];
}

/** Runs scripts/supergraph.ts the way `npm run supergraph` does (tsx), without npm's own output. */
function runScript(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--conditions=source', '--import', 'tsx', 'scripts/supergraph.ts', ...args], { cwd: root }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('subgraph SDL', () => {
  it('is schema.graphql with the federation @link and both ConnectionOperation keys', () => {
    const sdl = subgraphSdl();
    // `extend schema @link(…)` or `schema @link(…) { … }`: both carry the federation link a composer reads.
    expect(sdl).toMatch(/^(?:extend )?schema\s+@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.3", import: \["@key"\]\)/);
    expect(sdl).toMatch(/type ConnectionOperation implements Node\s+@key\(fields: "id"\)\s+@key\(fields: "connectionId operationId"\)/);
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
    writeFileSync(join(dir, 'incidents.graphql'), incidentsSdl);
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

  const others = () => [`deployments=${join(dir, 'deployments.graphql')}@${DEPLOYMENTS_URL}`, `incidents=${join(dir, 'incidents.graphql')}@${INCIDENTS_URL}`];

  it('prints the supergraph composed by @theguild/federation-composition', () => {
    const result = runInProcess(['--url', OPERATIONS_URL, ...others()]);
    const expected = composeWithGuild(services(subgraphSdl()));
    expect(result).toEqual({ code: 0, stdout: `${expected.supergraphSdl}\n`, stderr: '' });
    expectConnectionOperationJoinedFromAllGraphs(result.stdout);
  });

  it('with --composer apollo, prints the supergraph composed by @apollo/composition (no hints)', () => {
    const result = runInProcess(['--composer', 'apollo', '--url', OPERATIONS_URL, ...others()]);
    const expected = composeWithApollo(services(subgraphSdl()));
    expect(result).toEqual({ code: 0, stdout: `${expected.supergraphSdl}\n`, stderr: '' });
    expectConnectionOperationJoinedFromAllGraphs(result.stdout);
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

describe('composition with subgraphs that refer to ConnectionOperation by either key', () => {
  it('@theguild/federation-composition: no errors, ConnectionOperation joined from all graphs', () => {
    const result = composeWithGuild(services(subgraphSdl()));
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
    expectConnectionOperationJoinedFromAllGraphs(result.supergraphSdl!);
  });

  it('@apollo/composition: no errors, no hints outside the allow-list, ConnectionOperation joined from all graphs', () => {
    const result = composeWithApollo(services(subgraphSdl()));
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
    const hints = (result.hints ?? []).map((hint) => `${hint.definition.code}: ${hint.message}`);
    if (hints.length > 0) console.info(`@apollo/composition hints:\n${hints.join('\n')}`);
    expect(hints.filter((hint) => !ALLOWED_HINTS.has(hint.slice(0, hint.indexOf(':'))))).toEqual([]);
    expectConnectionOperationJoinedFromAllGraphs(result.supergraphSdl!);
  });

  it('both composers give the same client-facing API schema', () => {
    const guild = composeWithGuild(services(subgraphSdl()));
    const apollo = composeWithApollo(services(subgraphSdl()));
    const apiOfGuild = printSchema(lexicographicSortSchema(buildSchemaFromSdl(guild.publicSdl!)));
    const apiOfApollo = printSchema(lexicographicSortSchema(apollo.schema!.toAPISchema().toGraphQLJSSchema()));
    expect(apiOfGuild).toBe(apiOfApollo);
    expect(apiOfGuild).toContain('deployedBy: Deployment');
    expect(apiOfGuild).toContain('operation: ConnectionOperation');
    expect(apiOfGuild).toContain('node(id: ID!): Node');
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
    expect(served).toContain('@key(fields: "id")');
    expect(served).toContain('@key(fields: "connectionId operationId")');
    expect(served).toContain('_entities(representations: [_Any!]!): [_Entity]!');
    expect(printSubgraphSchema(buildASTSchema(parse(served)))).toBe(subgraphSdl());
    expect(composeWithGuild(services(served)).supergraphSdl).toBe(composeWithGuild(services(subgraphSdl())).supergraphSdl);
    expect(composeWithApollo(services(served)).supergraphSdl).toBe(composeWithApollo(services(subgraphSdl())).supergraphSdl);
  });

  it('still answers plain (non-federation) queries on the same endpoint', async () => {
    stack.upstream.reset();
    stack.upstream.store.putOperation('c1', { id: 'op-1', status: 'inprogress' });
    const result = await stack.gql(`{
      connectionOperation(connectionId: "c1", operationId: "op-1") { __typename id operationId connectionId status }
      connectionOperations(connectionId: "c1", first: 5) { nodes { id operationId status } pageInfo { hasNextPage } }
    }`);
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      connectionOperation: { __typename: 'ConnectionOperation', id: globalId('c1', 'op-1'), operationId: 'op-1', connectionId: 'c1', status: 'IN_PROGRESS' },
      connectionOperations: { nodes: [{ id: globalId('c1', 'op-1'), operationId: 'op-1', status: 'IN_PROGRESS' }], pageInfo: { hasNextPage: false } },
    });
  });

  describe('_entities', () => {
    const ENTITIES = `query ($representations: [_Any!]!) {
      _entities(representations: $representations) { ... on ConnectionOperation { id operationId connectionId status error { errorCode } } }
    }`;

    beforeEach(() => {
      stack.upstream.reset();
      stack.upstream.store.putOperation('c0', { id: 'op-0', status: 'completed' });
      stack.upstream.store.putOperation('c1', { id: 'op-1', status: 'failed', error: { errorCode: 'E1' } });
      stack.upstream.store.putOperation('c/2', { id: "it's/2", status: 'inprogress' });
    });

    const op0 = { id: globalId('c0', 'op-0'), operationId: 'op-0', connectionId: 'c0', status: 'COMPLETED', error: null };
    const op1 = { id: globalId('c1', 'op-1'), operationId: 'op-1', connectionId: 'c1', status: 'FAILED', error: { errorCode: 'E1' } };
    const op2 = { id: globalId('c/2', "it's/2"), operationId: "it's/2", connectionId: 'c/2', status: 'IN_PROGRESS', error: null };

    it('resolves `{ connectionId operationId }` representations in order, an unknown key as null, in one $batch', async () => {
      const result = await stack.gql(ENTITIES, {
        representations: [
          { __typename: 'ConnectionOperation', connectionId: 'c1', operationId: 'op-1' },
          { __typename: 'ConnectionOperation', connectionId: 'c0', operationId: 'missing' },
          { __typename: 'ConnectionOperation', connectionId: 'c0', operationId: 'op-0' },
          { __typename: 'ConnectionOperation', connectionId: 'c/2', operationId: "it's/2" },
        ],
      });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ _entities: [op1, null, op0, op2] });
      expect(stack.httpRequests().map((r) => `${r.method} ${pathBelowRoot(stack, r)}`)).toEqual(['POST /$batch']);
      expect(stack.batchParts().map((p) => pathBelowRoot(stack, p)).sort()).toEqual([
        '/connections/c%2F2/operations/it%27s%2F2',
        '/connections/c0/operations/missing',
        '/connections/c0/operations/op-0',
        '/connections/c1/operations/op-1',
      ]);
    });

    it('resolves `{ id }` representations (global ids) in order, an unknown one as null, in one $batch', async () => {
      const result = await stack.gql(ENTITIES, {
        representations: [
          { __typename: 'ConnectionOperation', id: globalId('c0', 'op-0') },
          { __typename: 'ConnectionOperation', id: globalId('c/2', "it's/2") },
          { __typename: 'ConnectionOperation', id: globalId('c1', 'missing') },
          { __typename: 'ConnectionOperation', id: globalId('c1', 'op-1') },
        ],
      });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ _entities: [op0, op2, null, op1] });
      expect(stack.httpRequests().map((r) => `${r.method} ${pathBelowRoot(stack, r)}`)).toEqual(['POST /$batch']);
      expect(stack.batchParts().map((p) => pathBelowRoot(stack, p)).sort()).toEqual([
        '/connections/c%2F2/operations/it%27s%2F2',
        '/connections/c0/operations/op-0',
        '/connections/c1/operations/missing',
        '/connections/c1/operations/op-1',
      ]);
    });

    it('mixes both kinds in one call, and reads an entity named by both keys once', async () => {
      const result = await stack.gql(ENTITIES, {
        representations: [
          { __typename: 'ConnectionOperation', id: globalId('c1', 'op-1') },
          { __typename: 'ConnectionOperation', connectionId: 'c0', operationId: 'op-0' },
          { __typename: 'ConnectionOperation', connectionId: 'c1', operationId: 'op-1' },
          { __typename: 'ConnectionOperation', id: globalId('c0', 'op-0') },
        ],
      });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ _entities: [op1, op0, op1, op0] });
      expect(stack.httpRequests().map((r) => r.method)).toEqual(['POST']);
      expect(stack.batchParts().map((p) => pathBelowRoot(stack, p)).sort()).toEqual(['/connections/c0/operations/op-0', '/connections/c1/operations/op-1']);
    });

    it('fails a malformed representation on its own, with BAD_USER_INPUT, and serves the others', async () => {
      const representations: Array<[Record<string, unknown>, string]> = [
        [{ connectionId: '', operationId: 'op-0' }, 'representations.connectionId'],
        [{ connectionId: 'c0', operationId: 'a\u0000' }, 'representations.operationId'],
        [{ operationId: 'op-0' }, 'representations'],
        [{ connectionId: 'c0' }, 'representations'],
        [{ connectionId: 5, operationId: 'op-0' }, 'representations'],
        [{ id: 5 }, 'representations'],
        // The version-1 representation: `id` was the OData key. It is not a global id.
        [{ connectionId: 'c0', id: 'op-0' }, 'representations'],
        [{ id: 'not-a-global-id' }, 'representations'],
        [{ id: Buffer.from('["ExternalConnection","c0"]').toString('base64url') }, 'representations'],
        [{ id: Buffer.from('["ConnectionOperation","c0",""]').toString('base64url') }, 'representations'],
        [{ id: `${globalId('c0', 'op-0')}==` }, 'representations'],
      ];
      const result = await stack.gql(`query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on ConnectionOperation { id operationId status } } }`, {
        representations: [
          ...representations.map(([fields]) => ({ __typename: 'ConnectionOperation', ...fields })),
          { __typename: 'ConnectionOperation', connectionId: 'c0', operationId: 'op-0' },
          { __typename: 'ConnectionOperation', id: globalId('c1', 'op-1') },
        ],
      });
      expect(result.data).toEqual({
        _entities: [
          ...representations.map(() => null),
          { id: globalId('c0', 'op-0'), operationId: 'op-0', status: 'COMPLETED' },
          { id: globalId('c1', 'op-1'), operationId: 'op-1', status: 'FAILED' },
        ],
      });
      expect(result.errors!.map((e) => [e.path, e.extensions])).toEqual(
        representations.map(([, argument], i) => [['_entities', i], { code: 'BAD_USER_INPUT', argument }]),
      );
      // Only the two good representations were read.
      expect(stack.httpRequests().map((r) => r.method)).toEqual(['POST']);
      expect(stack.batchParts().map((p) => pathBelowRoot(stack, p)).sort()).toEqual(['/connections/c0/operations/op-0', '/connections/c1/operations/op-1']);
    });
  });
});
