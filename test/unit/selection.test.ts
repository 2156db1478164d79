import { Kind, parse, type FragmentDefinitionNode, type GraphQLResolveInfo, type OperationDefinitionNode, type FieldNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { PAGE_NODE_PATHS, selectedNames, selectedProperties, selects } from '../../src/selection.js';

/** The resolve info of the root fields named `field` of `document` (all of them, as graphql-js merges them). */
function infoOf(document: string, field: string, variableValues: Record<string, unknown> = {}): GraphQLResolveInfo {
  const parsed = parse(document);
  const operation = parsed.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    parsed.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const fieldNodes = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === field);
  return { fieldNodes, fragments, variableValues } as unknown as GraphQLResolveInfo;
}

const sorted = (set: Set<string>) => [...set].sort();

describe('selection', () => {
  it('finds properties directly, through aliases, fragments and inline fragments', () => {
    const info = infoOf(
      `{ o: connectionOperation { a: status ...F ... on ConnectionOperation { etag } }
         connectionOperation { ... { ...G } } }
       fragment F on ConnectionOperation { id ...G }
       fragment G on ConnectionOperation { error { message } }`,
      'connectionOperation',
    );
    expect(sorted(selectedProperties(info, [[]]))).toEqual(['error', 'status']);
    expect(sorted(selectedNames(info, [[]], ['id', 'etag', 'operationId'] as const))).toEqual(['etag', 'id']);
  });

  it('honours @skip and @include, with literals and variables, on fields, fragments and spreads', () => {
    const document = `query ($yes: Boolean!, $no: Boolean!) { connectionOperation {
        status @skip(if: $yes)
        error @include(if: $yes) { message }
        ... @include(if: $no) { etag }
        ...F @skip(if: false)
        ...G @skip(if: true)
        id @skip(if: $no) @include(if: $yes)
      }}
      fragment F on ConnectionOperation { operationId }
      fragment G on ConnectionOperation { connectionId }`;
    const names = ['status', 'error', 'etag', 'operationId', 'connectionId', 'id'] as const;
    expect(sorted(selectedNames(infoOf(document, 'connectionOperation', { yes: true, no: false }), [[]], names))).toEqual(['error', 'id', 'operationId']);
    expect(sorted(selectedNames(infoOf(document, 'connectionOperation', { yes: false, no: true }), [[]], names))).toEqual(['etag', 'operationId', 'status']);
  });

  it('follows paths into nodes and edges { node }, and tells which fields a page selects', () => {
    const info = infoOf(
      `{ connectionOperations { nodes { status } ...P  pageInfo { hasNextPage } }
         connectionOperations { e: edges { cursor node { ... on ConnectionOperation { etag } } } } }
       fragment P on ConnectionOperationConnection { edges { node { error { message } } } totalCount @include(if: false) }`,
      'connectionOperations',
    );
    expect(sorted(selectedProperties(info, PAGE_NODE_PATHS))).toEqual(['error', 'status']);
    expect(sorted(selectedNames(info, PAGE_NODE_PATHS, ['etag', 'id'] as const))).toEqual(['etag']);
    expect(selects(info, 'pageInfo')).toBe(true);
    expect(selects(info, 'edges')).toBe(true);
    expect(selects(info, 'totalCount')).toBe(false);
    expect(selects(info, 'node')).toBe(false);
    expect(selectedProperties(info, [['pageInfo']]).size).toBe(0);
  });

  it('follows a fragment spread twice in one selection once, and one nested in itself through another path', () => {
    const info = infoOf(
      `{ connectionOperation { ...F ...F ... { ...F } } }
       fragment F on ConnectionOperation { status }`,
      'connectionOperation',
    );
    expect(sorted(selectedProperties(info, [[]]))).toEqual(['status']);
  });
});
