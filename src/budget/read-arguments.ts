/**
 * The coerced values of some arguments of a field occurrence, as execution will see them: graphql-js's
 * getArgumentValues restricted to the arguments a cost depends on. Restricting matters twice: only the
 * variables of those arguments need coercing per request, and the other arguments (filters, inputs) are not
 * coerced a second time on the hot path.
 */
import { isNonNullType, Kind, valueFromAST, type FieldNode, type GraphQLField } from 'graphql';

/**
 * `names`' values from `node` with coerced `variables`, argument defaults applied; undefined when one of them
 * does not coerce (execution then fails the field before its resolver runs). An argument without a value or
 * default is left out.
 */
export function readArguments(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  names: readonly string[],
  variables: Readonly<Record<string, unknown>>,
): Record<string, unknown> | undefined {
  const values: Record<string, unknown> = {};
  for (const name of names) {
    const definition = field.args.find((argument) => argument.name === name);
    if (definition === undefined) continue;
    const value = node.arguments?.find((argument) => argument.name.value === name)?.value;
    const variable = value?.kind === Kind.VARIABLE ? value.name.value : undefined;
    if (value === undefined || (variable !== undefined && !Object.hasOwn(variables, variable))) {
      if (definition.defaultValue !== undefined) values[name] = definition.defaultValue;
      else if (isNonNullType(definition.type)) return undefined;
      continue;
    }
    const coerced = variable !== undefined ? variables[variable] : valueFromAST(value, definition.type, variables);
    // valueFromAST answers undefined for what does not coerce; a null for a non-null type fails too.
    if (coerced === undefined || (coerced === null && isNonNullType(definition.type))) return undefined;
    values[name] = coerced;
  }
  return values;
}
