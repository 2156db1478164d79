/**
 * Pure builders of OData query options for connectionOperation: `$filter`, `$orderby`, `$select`. Values only
 * ever enter `$filter` as OData string literals with `'` doubled, so no value can change the meaning of the
 * query. The inputs are plain data shaped like the GraphQL arguments (which are checked and bounded before
 * they get here: resolvers/arguments.ts); this layer knows nothing of GraphQL.
 */
import { ODataOrderDirection, type ODataOrderProperty } from './enums.js';

/** Comparisons on one property; they AND together. */
export interface Comparison {
  eq?: string | null;
  ne?: string | null;
  in?: ReadonlyArray<string> | null;
}

/** A filter on connectionOperation: properties AND together, `or` branches OR together. */
export interface OperationFilter {
  operationId?: Comparison | null;
  status?: Comparison | null;
  or?: ReadonlyArray<OperationFilter> | null;
}

export interface OperationOrder {
  field: ODataOrderProperty;
  direction?: ODataOrderDirection | null;
}

/** Properties of connectionOperation a selection can ask for; the key `id` is always selected. */
export type SelectableProperty = 'status' | 'error';
export const selectableProperties: readonly SelectableProperty[] = ['status', 'error'];

/**
 * A filter condition after simplification: `true` (no constraint), `false` (matches nothing: an empty `in`
 * or `or`), or an OData boolean expression.
 */
type Condition = boolean | string;

/** An OData string literal: quoted, with `'` doubled (OData ABNF `SQUOTE-in-string`). */
export function stringLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function and(conditions: Condition[]): Condition {
  if (conditions.includes(false)) return false;
  const terms = conditions.filter((c): c is string => typeof c === 'string');
  if (terms.length === 0) return true;
  return terms.length === 1 ? terms[0]! : terms.map((t) => `(${t})`).join(' and ');
}

function or(conditions: Condition[]): Condition {
  if (conditions.includes(true)) return true;
  const terms = conditions.filter((c): c is string => typeof c === 'string');
  if (terms.length === 0) return false;
  return terms.length === 1 ? terms[0]! : terms.map((t) => `(${t})`).join(' or ');
}

function comparisons(property: string, comparison: Comparison): Condition[] {
  const out: Condition[] = [];
  if (comparison.eq != null) out.push(`${property} eq ${stringLiteral(comparison.eq)}`);
  if (comparison.ne != null) out.push(`${property} ne ${stringLiteral(comparison.ne)}`);
  if (comparison.in != null) {
    const values = [...new Set(comparison.in)];
    out.push(values.length === 0 ? false : `${property} in (${values.map(stringLiteral).join(',')})`);
  }
  return out;
}

function condition(filter: OperationFilter): Condition {
  const parts: Condition[] = [
    ...(filter.operationId ? comparisons('id', filter.operationId) : []),
    ...(filter.status ? comparisons('status', filter.status) : []),
  ];
  if (filter.or != null) parts.push(or(filter.or.map(condition)));
  return and(parts);
}

/**
 * `$filter` for a filter: a string, `undefined` when nothing constrains the list, or `false` when nothing
 * can match (the caller then answers an empty page without asking the upstream).
 */
export function buildFilter(filter: OperationFilter | null | undefined): string | undefined | false {
  if (filter == null) return undefined;
  const built = condition(filter);
  return built === true ? undefined : built;
}

/** `$orderby` for an order, or undefined. */
export function buildOrderBy(orderBy: ReadonlyArray<OperationOrder> | null | undefined): string | undefined {
  if (orderBy == null || orderBy.length === 0) return undefined;
  return orderBy.map((o) => `${o.field} ${o.direction ?? ODataOrderDirection.ASC}`).join(',');
}

/** `$select`: the key always, then the selected properties in a stable order (stable keys dedupe better). */
export function buildSelect(properties: ReadonlySet<SelectableProperty>): string {
  let select = 'id';
  for (const property of selectableProperties) if (properties.has(property)) select += `,${property}`;
  return select;
}
