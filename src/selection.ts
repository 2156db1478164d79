/**
 * Which properties of connectionOperation a resolver's selection set asks for, so `$select` names exactly
 * those (plus the key). Follows fragments and inline fragments and honours @skip/@include.
 */
import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getDirectiveValues,
  type FieldNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import { selectableProperties, type SelectableProperty } from './odata/query-options.js';

type Variables = GraphQLResolveInfo['variableValues'];

function included(node: Parameters<typeof getDirectiveValues>[1], variables: Variables): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

/** The fields (by name, not alias) directly inside `selectionSet`, with their nodes. */
function collectFields(selectionSet: SelectionSetNode | undefined, info: GraphQLResolveInfo, out: FieldNode[] = [], seen = new Set<string>()): FieldNode[] {
  for (const selection of selectionSet?.selections ?? []) {
    if (!included(selection, info.variableValues)) continue;
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collectFields(selection.selectionSet, info, out, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      collectFields(info.fragments[selection.name.value]?.selectionSet, info, out, seen);
    }
  }
  return out;
}

/** The field nodes reached by following `path` (field names) from the resolver's own field. */
export function fieldsAt(info: GraphQLResolveInfo, path: readonly string[]): FieldNode[] {
  let level: FieldNode[] = [...info.fieldNodes];
  for (const name of path) {
    level = level.flatMap((node) => collectFields(node.selectionSet, info)).filter((node) => node.name.value === name);
  }
  return level;
}

/** The selectable properties asked for on the objects at each of `paths` (unioned). */
export function selectedProperties(info: GraphQLResolveInfo, paths: ReadonlyArray<readonly string[]>): Set<SelectableProperty> {
  return selectedNames(info, paths, selectableProperties);
}

/** Which of `names` are asked for on the objects at each of `paths` (unioned): another type's `$select`. */
export function selectedNames<T extends string>(info: GraphQLResolveInfo, paths: ReadonlyArray<readonly string[]>, names: readonly T[]): Set<T> {
  const wanted = new Set<T>();
  for (const path of paths) {
    for (const node of fieldsAt(info, path)) {
      for (const field of collectFields(node.selectionSet, info)) {
        const name = field.name.value as T;
        if (names.includes(name)) wanted.add(name);
      }
    }
  }
  return wanted;
}

/** Whether the resolver's selection set asks for the field `name` (at top level). */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  return fieldsAt(info, [name]).length > 0;
}

/** Where the nodes of a Relay connection page are in its selection: `nodes`, and `edges { node }`. */
export const PAGE_NODE_PATHS = [['nodes'], ['edges', 'node']] as const;
