/**
 * Pure builders of OData query options from the typed GraphQL arguments: `$filter`, `$orderby`, `$select`,
 * `$top`. Client values only ever enter `$filter` as OData string literals with `'` doubled, and every
 * list and nesting level is bounded, so no input can change the meaning of the query or make it unbounded.
 */
import { badUserInput } from '../errors.js';
import type {
  ConnectionOperationFilter,
  ConnectionOperationOrder,
} from '../generated/graphql.js';
import { ODataOrderDirection } from './enums.js';
import { assertValidKey } from './url.js';

/** Bounds of the list arguments. */
export const limits = {
  minFirst: 1,
  maxFirst: 1000,
  /** Values of one `in` list. */
  maxInValues: 100,
  /** Nesting of `or` inside `or`. */
  maxFilterDepth: 4,
  /** Filter conditions in total (each eq, ne or in counts once). */
  maxFilterConditions: 200,
  maxOrderBy: 4,
} as const;

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

interface Budget {
  conditions: number;
}

function spend(budget: Budget): void {
  budget.conditions += 1;
  if (budget.conditions > limits.maxFilterConditions) {
    throw badUserInput(`\`filter\` has more than ${limits.maxFilterConditions} conditions.`, 'filter');
  }
}

function comparisons(
  property: string,
  filter: { eq?: string | null; ne?: string | null; in?: ReadonlyArray<string> | null },
  literal: (value: string) => string,
  budget: Budget,
): Condition[] {
  const out: Condition[] = [];
  if (filter.eq != null) {
    spend(budget);
    out.push(`${property} eq ${literal(filter.eq)}`);
  }
  if (filter.ne != null) {
    spend(budget);
    out.push(`${property} ne ${literal(filter.ne)}`);
  }
  if (filter.in != null) {
    spend(budget);
    if (filter.in.length > limits.maxInValues) {
      throw badUserInput(`\`filter.${property}.in\` has more than ${limits.maxInValues} values.`, 'filter');
    }
    const values = [...new Set(filter.in)];
    out.push(values.length === 0 ? false : `${property} in (${values.map(literal).join(',')})`);
  }
  return out;
}

function idLiteral(value: string): string {
  return stringLiteral(assertValidKey(value, 'filter.id'));
}

function buildCondition(filter: ConnectionOperationFilter, depth: number, budget: Budget): Condition {
  if (depth > limits.maxFilterDepth) {
    throw badUserInput(`\`filter\` nests \`or\` deeper than ${limits.maxFilterDepth} levels.`, 'filter');
  }
  const parts: Condition[] = [
    ...(filter.id ? comparisons('id', filter.id, idLiteral, budget) : []),
    ...(filter.status ? comparisons('status', filter.status, stringLiteral, budget) : []),
  ];
  if (filter.or != null) parts.push(or(filter.or.map((branch) => buildCondition(branch, depth + 1, budget))));
  return and(parts);
}

/**
 * `$filter` for a filter argument: a string, `undefined` when nothing constrains the list, or `false` when
 * nothing can match (the caller then answers an empty page without asking the upstream).
 */
export function buildFilter(filter: ConnectionOperationFilter | null | undefined): string | undefined | false {
  if (filter == null) return undefined;
  const condition = buildCondition(filter, 0, { conditions: 0 });
  return condition === true ? undefined : condition;
}

/** `$orderby` for an orderBy argument, or undefined. */
export function buildOrderBy(orderBy: ReadonlyArray<ConnectionOperationOrder> | null | undefined): string | undefined {
  if (orderBy == null || orderBy.length === 0) return undefined;
  if (orderBy.length > limits.maxOrderBy) {
    throw badUserInput(`\`orderBy\` has more than ${limits.maxOrderBy} entries.`, 'orderBy');
  }
  return orderBy.map((o) => `${o.field} ${o.direction ?? ODataOrderDirection.ASC}`).join(',');
}

/** `$select`: the key always, then the selected properties in a stable order (stable keys dedupe better). */
export function buildSelect(properties: ReadonlySet<SelectableProperty>): string {
  return ['id', ...selectableProperties.filter((p) => properties.has(p))].join(',');
}

/** The properties a `$select` value asks for; no `$select` means all of them. */
export function propertiesOfSelect(select: string | null): Set<SelectableProperty> {
  if (select === null) return new Set(selectableProperties);
  const names = new Set(select.split(',').map((name) => name.trim()));
  return new Set(selectableProperties.filter((p) => names.has(p)));
}

/** `$top` for `first`: 1..1000 or BAD_USER_INPUT. */
export function buildTop(first: number | null | undefined): string | undefined {
  if (first == null) return undefined;
  if (!Number.isInteger(first) || first < limits.minFirst || first > limits.maxFirst) {
    throw badUserInput(`\`first\` must be from ${limits.minFirst} to ${limits.maxFirst}; got ${first}.`, 'first');
  }
  return String(first);
}
