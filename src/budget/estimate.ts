/**
 * An upper bound of what executing one GraphQL operation costs upstream, from the document and the
 * request's variable values, before any resolver runs: upstream requests and nodes (entities). Pure
 * graphql-js: no server, no context, no I/O.
 *
 * The rules (fields by `Type.field` in field-costs.ts):
 * - every occurrence of a field counts: aliases, inline fragments, and a fragment once per spread (fields
 *   graphql-js would merge count twice: an upper bound); `@skip`/`@include` with a literal or a variable
 *   `if` are honoured, anything else counts;
 * - a field's costs count once per instance of its parent: a list nested in a list multiplies;
 * - the keyed reads of a query's root fields go out together, `readsPerRequest` to an upstream request
 *   (`$batch`): ceil(reads / readsPerRequest); keyed reads anywhere else (below a parent, or in a mutation,
 *   whose fields run one by one) are charged that way per parent instance and field;
 * - batched reads (a page loader's `$batch` parts: ExternalConnection.operations) of one field occurrence go
 *   out together for all the instances of the list above it, so they are summed over those instances and
 *   charged ceil(sum / readsPerRequest) at the nearest enclosing field that has a cost of its own (the field
 *   whose answer brings the instances: `externalConnections(first: 45) { nodes { operations } }` is 1 +
 *   ceil(45 / 20) = 3 requests, not 46); fields without a cost (`nodes`, `edges`, `node`) pass them up, and
 *   what reaches the root is charged there. Two occurrences of the list are charged separately (an upper
 *   bound: they resolve at different times);
 * - arguments are the coerced variable values, variable defaults and the schema's argument defaults
 *   included. When the variables do not coerce there is no estimate: execution reports the error.
 *
 * The analysis of a document (its plan) is cached per DocumentNode, which yoga reuses for a repeated query
 * text; an operation whose costs depend on no variable has its estimate cached too, so a repeated document
 * costs a WeakMap and a Map lookup.
 */
import { getVariableValues, type DocumentNode, type GraphQLSchema } from 'graphql';
import { fieldCosts, type FieldCost, type FieldCostTable } from './field-costs.js';
import { compileOperation, costOf, type OperationPlan, type SelectionPlan, type SkipCondition } from './plan.js';

export interface Estimate {
  readonly upstreamRequests: number;
  readonly nodes: number;
}

export interface EstimatorOptions {
  /** Nodes of a list page when `first` is not given (DEFAULT_PAGE_SIZE). */
  defaultPageSize: number;
  /** Keyed reads one upstream request carries: BATCH_MAX with `$batch`, 1 without. */
  readsPerRequest: number;
  /** The costs by `Type.field`. Default: the gateway's ({@link fieldCosts}). */
  table?: FieldCostTable;
}

export type Estimator = (
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variableValues: Readonly<Record<string, unknown>> | null | undefined,
) => Estimate | undefined;

interface CompiledOperation {
  plan: OperationPlan;
  /** The estimate, when it depends on no variable. */
  constant: Estimate | undefined;
}

interface DocumentEntry {
  schema: GraphQLSchema;
  /** By operation name ('' for none); null: nothing to estimate (no such operation, a subscription). */
  operations: Map<string, CompiledOperation | null>;
}

interface Totals {
  requests: number;
  nodes: number;
  /** Keyed reads of a query's root fields, sent together. */
  pooledReads: number;
  /** Batched reads not yet charged: they join those of the other instances of the nearest costed field above. */
  batchedReads: number;
}

/** A field that costs nothing of its own: its selection counts once per instance of its parent. */
const FREE: FieldCost = { requests: 0, keyedReads: 0, nodes: 0, instances: 1 };

/** Totals of the selections evaluated so far in one evaluation, at the root level and below it. */
interface Memo {
  pooled: Map<SelectionPlan, Totals>;
  nested: Map<SelectionPlan, Totals>;
}

/** Above this, numbers stop being exact; a fragment spread inside fragments spread many times gets there. */
const clamp = (n: number) => Math.min(n, Number.MAX_SAFE_INTEGER);

function skipped(conditions: readonly SkipCondition[], variables: Readonly<Record<string, unknown>>): boolean {
  // A missing or null variable fails the directive at execution, which then runs the field: count it.
  for (const condition of conditions) if (variables[condition.variable] === condition.skipWhen) return true;
  return false;
}

export function createEstimator(options: EstimatorOptions): Estimator {
  const table = options.table ?? fieldCosts;
  const settings = { defaultPageSize: options.defaultPageSize };
  const perRequest = Math.max(1, options.readsPerRequest);
  const documents = new WeakMap<DocumentNode, DocumentEntry>();

  /** What a selection costs for one instance of its parent; memoized per evaluation (fragments spread often). */
  function evaluate(plan: SelectionPlan, variables: Readonly<Record<string, unknown>>, pooled: boolean, memo: Memo): Totals {
    const seen = pooled ? memo.pooled : memo.nested;
    const known = seen.get(plan);
    if (known !== undefined) return known;
    const totals: Totals = { requests: 0, nodes: 0, pooledReads: 0, batchedReads: 0 };
    for (const term of plan.terms) {
      if (term.conditions.length > 0 && skipped(term.conditions, variables)) continue;
      if (term.kind === 'group') {
        const group = evaluate(term.plan, variables, pooled, memo);
        totals.requests += group.requests;
        totals.nodes += group.nodes;
        totals.pooledReads += group.pooledReads;
        totals.batchedReads += group.batchedReads;
        continue;
      }
      const cost = term.cost === undefined ? FREE : 'rule' in term.cost ? costOf(term.cost, variables, settings) : term.cost;
      totals.requests += cost.requests;
      totals.nodes += cost.nodes;
      totals.batchedReads += cost.batchedReads ?? 0;
      if (pooled) totals.pooledReads += cost.keyedReads;
      else totals.requests += Math.ceil(cost.keyedReads / perRequest);
      if (term.children !== undefined && cost.instances > 0) {
        const child = evaluate(term.children, variables, false, memo);
        totals.requests += cost.instances * child.requests;
        totals.nodes += cost.instances * child.nodes;
        const batched = cost.instances * child.batchedReads;
        if (term.cost !== undefined) totals.requests += Math.ceil(batched / perRequest);
        else totals.batchedReads += batched;
      }
    }
    seen.set(plan, totals);
    return totals;
  }

  function estimateOf(plan: OperationPlan, variables: Readonly<Record<string, unknown>>): Estimate {
    const totals = evaluate(plan.root, variables, plan.pooledRoot, { pooled: new Map(), nested: new Map() });
    return {
      upstreamRequests: clamp(totals.requests + Math.ceil(totals.pooledReads / perRequest) + Math.ceil(totals.batchedReads / perRequest)),
      nodes: clamp(totals.nodes),
    };
  }

  function compiled(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): CompiledOperation | null {
    let entry = documents.get(document);
    if (entry === undefined || entry.schema !== schema) {
      entry = { schema, operations: new Map() };
      documents.set(document, entry);
    }
    const key = operationName ?? '';
    let operation = entry.operations.get(key);
    if (operation === undefined) {
      const plan = compileOperation(schema, document, operationName, table, settings);
      operation = plan === undefined ? null : { plan, constant: plan.variableDefinitions.length === 0 ? estimateOf(plan, {}) : undefined };
      entry.operations.set(key, operation);
    }
    return operation;
  }

  return (schema, document, operationName, variableValues) => {
    const operation = compiled(schema, document, operationName);
    if (operation === null) return undefined;
    if (operation.constant !== undefined) return operation.constant;
    const coerced = getVariableValues(schema, operation.plan.variableDefinitions, variableValues ?? {});
    if (coerced.errors !== undefined) return undefined;
    return estimateOf(operation.plan, coerced.coerced);
  };
}
