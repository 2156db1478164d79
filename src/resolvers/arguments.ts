/**
 * Checks of GraphQL arguments, before anything is sent upstream: keys, `first`, filters, orders, write inputs
 * and ETags are bounded and well-formed, or the field fails with BAD_USER_INPUT naming the argument. What
 * passes is safe to hand to the operations layer as it is.
 */
import { badUserInput } from '../errors.js';
import type {
  ConnectionOperationFilter,
  ConnectionOperationOrder,
  CreateConnectionOperationInput,
  UpdateConnectionOperationInput,
} from '../generated/graphql.js';
import { keyProblem } from '../keys.js';
import type { Comparison } from '../odata/query-options.js';

/** Bounds of the arguments. */
export const argumentLimits = {
  minFirst: 1,
  maxFirst: 1000,
  /** Global ids of one `nodes(ids:)`. */
  maxNodeIds: 1000,
  /** Values of one `in` list. */
  maxInValues: 100,
  /** Nesting of `or` inside `or`. */
  maxFilterDepth: 4,
  /** Filter conditions in total (each eq, ne or in counts once). */
  maxFilterConditions: 200,
  maxOrderBy: 4,
  maxStringLength: 4096,
  maxDetails: 100,
  /** Properties of one schema (Microsoft Graph allows 128; the upstream judges the rest). */
  maxSchemaProperties: 256,
  /** Labels, and aliases, of one schema property. */
  maxPropertyList: 32,
  /** A schema property's name, an alias, a connection's name. */
  maxNameLength: 256,
} as const;

/** An OData key argument (connectionId, operationId): returned when acceptable. */
export function checkKey(key: string, argument: string): string {
  const problem = keyProblem(key);
  if (problem !== undefined) throw badUserInput(`\`${argument}\` ${problem}.`, argument);
  return key;
}

/** The two keys of an operation (arguments `${prefix}connectionId` and `${prefix}operationId`). */
export function checkOperationKey(connectionId: string, operationId: string, prefix = ''): { connectionId: string; operationId: string } {
  return { connectionId: checkKey(connectionId, `${prefix}connectionId`), operationId: checkKey(operationId, `${prefix}operationId`) };
}

/** `first`: 1..1000, or undefined for the default page size. */
export function checkFirst(first: number | null | undefined): number | undefined {
  if (first == null) return undefined;
  if (!Number.isInteger(first) || first < argumentLimits.minFirst || first > argumentLimits.maxFirst) {
    throw badUserInput(`\`first\` must be from ${argumentLimits.minFirst} to ${argumentLimits.maxFirst}; got ${first}.`, 'first');
  }
  return first;
}

export function checkNodeIds(ids: readonly string[]): readonly string[] {
  if (ids.length > argumentLimits.maxNodeIds) throw badUserInput(`\`ids\` has more than ${argumentLimits.maxNodeIds} entries.`, 'ids');
  return ids;
}

function checkComparison(comparison: Comparison, property: string, budget: { conditions: number }, isKey: boolean): void {
  const values = [comparison.eq, comparison.ne, comparison.in].filter((v) => v != null);
  budget.conditions += values.length;
  if (budget.conditions > argumentLimits.maxFilterConditions) {
    throw badUserInput(`\`filter\` has more than ${argumentLimits.maxFilterConditions} conditions.`, 'filter');
  }
  if (comparison.in != null && comparison.in.length > argumentLimits.maxInValues) {
    throw badUserInput(`\`filter.${property}.in\` has more than ${argumentLimits.maxInValues} values.`, 'filter');
  }
  if (isKey) {
    for (const value of [comparison.eq, comparison.ne, ...(comparison.in ?? [])]) if (value != null) checkKey(value, `filter.${property}`);
  }
}

function checkFilterLevel(filter: ConnectionOperationFilter, depth: number, budget: { conditions: number }): void {
  if (depth > argumentLimits.maxFilterDepth) {
    throw badUserInput(`\`filter\` nests \`or\` deeper than ${argumentLimits.maxFilterDepth} levels.`, 'filter');
  }
  if (filter.operationId != null) checkComparison(filter.operationId, 'operationId', budget, true);
  if (filter.status != null) checkComparison(filter.status, 'status', budget, false);
  for (const branch of filter.or ?? []) checkFilterLevel(branch, depth + 1, budget);
}

/** A filter: bounded nesting, conditions and `in` lists; keys well-formed. */
export function checkFilter(filter: ConnectionOperationFilter | null | undefined): ConnectionOperationFilter | undefined {
  if (filter == null) return undefined;
  checkFilterLevel(filter, 0, { conditions: 0 });
  return filter;
}

export function checkOrderBy(orderBy: ReadonlyArray<ConnectionOperationOrder> | null | undefined): ReadonlyArray<ConnectionOperationOrder> | undefined {
  if (orderBy == null) return undefined;
  if (orderBy.length > argumentLimits.maxOrderBy) {
    throw badUserInput(`\`orderBy\` has more than ${argumentLimits.maxOrderBy} entries.`, 'orderBy');
  }
  return orderBy;
}

export function checkString(value: string | null | undefined, argument: string, max: number = argumentLimits.maxStringLength): void {
  if (value != null && value.length > max) {
    throw badUserInput(`\`${argument}\` is longer than ${max} characters.`, argument);
  }
}

/** Bounds the strings and lists of a create or update input; checks the operationId of a create. */
export function checkWriteInput<T extends CreateConnectionOperationInput | UpdateConnectionOperationInput>(input: T): T {
  if ('operationId' in input && input.operationId != null) checkKey(input.operationId, 'input.operationId');
  const error = input.error;
  if (error == null) return input;
  checkString(error.errorCode, 'input.error.errorCode');
  checkString(error.message, 'input.error.message');
  checkString(error.target, 'input.error.target');
  if (error.details != null) {
    if (error.details.length > argumentLimits.maxDetails) {
      throw badUserInput(`\`input.error.details\` has more than ${argumentLimits.maxDetails} entries.`, 'input.error.details');
    }
    for (const detail of error.details) {
      checkString(detail.source, 'input.error.details.source');
      checkString(detail.message, 'input.error.details.message');
      checkString(detail.code, 'input.error.details.code');
    }
  }
  return input;
}

/** An ETag goes into the If-Match header: printable ASCII only, bounded. */
export function checkIfMatch(ifMatch: string | null | undefined): string | undefined {
  if (ifMatch == null) return undefined;
  if (!/^[\x20-\x7e]{1,1024}$/.test(ifMatch)) {
    throw badUserInput('`ifMatch` must be an ETag: 1 to 1024 printable ASCII characters.', 'ifMatch');
  }
  return ifMatch;
}
