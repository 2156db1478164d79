/**
 * The per-document half of the request budget: an operation compiled, once, into a cost plan. The plan
 * keeps only what can cost something upstream (fields in the cost table and the fields, fragments and
 * inline fragments on the way to them), with every cost that does not depend on variables already
 * computed; a cost that depends on variables (in the arguments its rule reads, or in `@skip`/`@include`)
 * keeps the field's AST to read those arguments per request. Fragments are compiled once per document and
 * shared by every spread, so the plan is as large as the document even when a fragment is spread many times
 * (the evaluation memoizes likewise).
 */
import {
  getNamedType,
  getOperationAST,
  isInterfaceType,
  isObjectType,
  Kind,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';
import type { CostSettings, FieldCost, FieldCostTable, FieldRule } from './field-costs.js';
import { readArguments } from './read-arguments.js';

/** `@skip(if: $variable)` (skipWhen true) or `@include(if: $variable)` (skipWhen false). */
export interface SkipCondition {
  variable: string;
  skipWhen: boolean;
}

/** A field's cost that depends on variables: its rule runs on the arguments it reads, coerced per request. */
export interface VariableCost {
  rule: FieldRule;
  field: GraphQLField<unknown, unknown>;
  node: FieldNode;
}

export interface FieldTerm {
  kind: 'field';
  conditions: readonly SkipCondition[];
  /** Undefined: the field costs nothing of its own (its selection may). */
  cost: FieldCost | VariableCost | undefined;
  /** What its selection costs, per instance; undefined when nothing. */
  children: SelectionPlan | undefined;
}

/** A fragment spread or an inline fragment: its selection counts once per occurrence, at the same level. */
export interface GroupTerm {
  kind: 'group';
  conditions: readonly SkipCondition[];
  plan: SelectionPlan;
}

export type Term = FieldTerm | GroupTerm;

export interface SelectionPlan {
  terms: readonly Term[];
  /** Variables the costs of this selection depend on (arguments and `@skip`/`@include`). */
  variables: ReadonlySet<string>;
}

export interface OperationPlan {
  root: SelectionPlan;
  /** A query's root fields run together, so their keyed reads share `$batch` posts; a mutation's run one by one. */
  pooledRoot: boolean;
  /** Definitions of the variables the costs depend on: only those are coerced per request. */
  variableDefinitions: readonly VariableDefinitionNode[];
}

/** The cost of a field whose arguments do not coerce: it fails before its resolver runs, so nothing. */
const NOTHING: FieldCost = { requests: 0, keyedReads: 0, nodes: 0, instances: 0 };

const EMPTY: SelectionPlan = { terms: [], variables: new Set() };

/** Variables a value mentions, at any depth of lists and input objects. */
function collectVariables(value: ValueNode, into: Set<string>): void {
  if (value.kind === Kind.VARIABLE) into.add(value.name.value);
  else if (value.kind === Kind.LIST) for (const item of value.values) collectVariables(item, into);
  else if (value.kind === Kind.OBJECT) for (const field of value.fields) collectVariables(field.value, into);
}

/**
 * The `@skip`/`@include` of a selection: null when a literal `if` excludes it; otherwise the conditions on
 * variables (an `if` that is neither, which validation refuses anyway, counts).
 */
function conditionsOf(directives: readonly DirectiveNode[] | undefined): SkipCondition[] | null {
  const conditions: SkipCondition[] = [];
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const value = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
    const skipWhen = name === 'skip';
    if (value?.kind === Kind.BOOLEAN && value.value === skipWhen) return null;
    if (value?.kind === Kind.VARIABLE) conditions.push({ variable: value.name.value, skipWhen });
  }
  return conditions;
}

/** Compiles the operation `operationName` of `document`; undefined when there is none, or it is a subscription. */
export function compileOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  table: FieldCostTable,
  settings: CostSettings,
): OperationPlan | undefined {
  const operation = getOperationAST(document, operationName);
  if (operation == null || operation.operation === 'subscription') return undefined;
  const rootType = schema.getRootType(operation.operation);
  if (rootType == null) return undefined;

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  /** Compiled fragments; null while one is being compiled (a cycle, which validation refuses, costs nothing). */
  const compiledFragments = new Map<string, SelectionPlan | null>();

  function fragmentPlan(name: string): SelectionPlan {
    const known = compiledFragments.get(name);
    if (known !== undefined) return known ?? EMPTY;
    const fragment = fragments.get(name);
    const type = fragment && schema.getType(fragment.typeCondition.name.value);
    if (fragment === undefined || type === undefined) return EMPTY;
    compiledFragments.set(name, null);
    const plan = compileSelectionSet(type, fragment.selectionSet);
    compiledFragments.set(name, plan);
    return plan;
  }

  function fieldTerm(type: GraphQLNamedType, node: FieldNode, conditions: SkipCondition[], variables: Set<string>): FieldTerm | undefined {
    // Unions have no fields but __typename; meta-fields (__typename, __schema, __type) are not among
    // getFields(), and cost nothing.
    if (!(isObjectType(type) || isInterfaceType(type))) return undefined;
    const field = type.getFields()[node.name.value];
    if (field === undefined) return undefined;
    const rule = table[`${type.name}.${field.name}`];
    const compiled = node.selectionSet && compileSelectionSet(getNamedType(field.type), node.selectionSet);
    const children = compiled !== undefined && compiled.terms.length > 0 ? compiled : undefined;
    if (rule === undefined && children === undefined) return undefined;

    let cost: FieldCost | VariableCost | undefined;
    if (rule !== undefined) {
      const used = new Set<string>();
      for (const argument of node.arguments ?? []) {
        if (rule.arguments.includes(argument.name.value)) collectVariables(argument.value, used);
      }
      if (used.size > 0) {
        cost = { rule, field, node };
        for (const name of used) variables.add(name);
      } else {
        cost = constantCost(rule, field, node, settings);
      }
    }
    for (const name of children?.variables ?? []) variables.add(name);
    return { kind: 'field', conditions, cost, children };
  }

  function compileSelectionSet(type: GraphQLNamedType, selectionSet: SelectionSetNode): SelectionPlan {
    const terms: Term[] = [];
    const variables = new Set<string>();
    for (const selection of selectionSet.selections) {
      const conditions = conditionsOf(selection.directives);
      if (conditions === null) continue;
      let term: Term | undefined;
      if (selection.kind === Kind.FIELD) {
        term = fieldTerm(type, selection, conditions, variables);
      } else {
        const plan =
          selection.kind === Kind.FRAGMENT_SPREAD
            ? fragmentPlan(selection.name.value)
            : compileSelectionSet(selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) ?? type) : type, selection.selectionSet);
        if (plan.terms.length > 0) {
          term = { kind: 'group', conditions, plan };
          for (const name of plan.variables) variables.add(name);
        }
      }
      if (term === undefined) continue;
      for (const condition of conditions) variables.add(condition.variable);
      terms.push(term);
    }
    return terms.length > 0 ? { terms, variables } : EMPTY;
  }

  const root = compileSelectionSet(rootType, operation.selectionSet);
  return {
    root,
    pooledRoot: operation.operation === 'query',
    variableDefinitions: (operation.variableDefinitions ?? []).filter((definition) => root.variables.has(definition.variable.name.value)),
  };
}

/** The cost of a field whose arguments are all literals (or absent): computed once, at compile time. */
function constantCost(rule: FieldRule, field: GraphQLField<unknown, unknown>, node: FieldNode, settings: CostSettings): FieldCost {
  return costOf({ rule, field, node }, {}, settings);
}

/** Runs a field's rule on the arguments it reads, coerced with `variables` (and the schema's argument defaults). */
export function costOf(cost: VariableCost, variables: Readonly<Record<string, unknown>>, settings: CostSettings): FieldCost {
  const args = readArguments(cost.field, cost.node, cost.rule.arguments, variables);
  return args === undefined ? NOTHING : cost.rule.cost(args, settings);
}
