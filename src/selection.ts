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
  // Most selections carry no directive: nothing to look up.
  if (node.directives === undefined || node.directives.length === 0) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

/**
 * Appends to `out` the fields directly inside `selectionSet` named `name` (by name, not alias), or all of them
 * when `name` is undefined. `seen` holds the fragments already followed; it is made when the first spread
 * comes (most selections have none) and returned, so that the caller goes on with it.
 */
function collectFields(
  selectionSet: SelectionSetNode | undefined,
  info: GraphQLResolveInfo,
  name: string | undefined,
  out: FieldNode[],
  seen: Set<string> | undefined,
): Set<string> | undefined {
  if (selectionSet === undefined) return seen;
  for (const selection of selectionSet.selections) {
    if (!included(selection, info.variableValues)) continue;
    if (selection.kind === Kind.FIELD) {
      if (name === undefined || selection.name.value === name) out.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      seen = collectFields(selection.selectionSet, info, name, out, seen);
    } else if (seen === undefined || !seen.has(selection.name.value)) {
      (seen ??= new Set()).add(selection.name.value);
      seen = collectFields(info.fragments[selection.name.value]?.selectionSet, info, name, out, seen);
    }
  }
  return seen;
}

/**
 * The field nodes reached by following `path` (field names) from the resolver's own field. (Runs for every
 * list and read: it walks the selection without intermediate arrays.)
 */
export function fieldsAt(info: GraphQLResolveInfo, path: readonly string[]): readonly FieldNode[] {
  let level: readonly FieldNode[] = info.fieldNodes;
  for (const name of path) {
    const next: FieldNode[] = [];
    for (const node of level) collectFields(node.selectionSet, info, name, next, undefined);
    level = next;
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
  const fields: FieldNode[] = [];
  for (const path of paths) {
    for (const node of fieldsAt(info, path)) collectFields(node.selectionSet, info, undefined, fields, undefined);
  }
  for (const field of fields) {
    const name = field.name.value as T;
    if (names.includes(name)) wanted.add(name);
  }
  return wanted;
}

/** Whether the resolver's selection set asks for the field `name` (at top level). */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  return fieldsAt(info, [name]).length > 0;
}

/** Where the nodes of a Relay connection page are in its selection: `nodes`, and `edges { node }`. */
export const PAGE_NODE_PATHS = [['nodes'], ['edges', 'node']] as const;
