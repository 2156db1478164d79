/**
 * Checks of the inputs of a connection's life (create, register a schema): bounded strings and lists, keys
 * well-formed, and no UNKNOWN_FUTURE_VALUE (read-only: it stands for members the gateway does not know, and
 * means nothing to send). What passes is handed to the upstream as it is; Microsoft Graph judges the rest
 * (name rules, searchable and refinable together...) and fails the registration's operation with its reasons.
 */
import { badUserInput } from '../errors.js';
import type { ConnectionSchemaInput, CreateExternalConnectionInput } from '../generated/graphql.js';
import type { ConnectionWrite } from '../odata/connection-lifecycle.js';
import { ODataPropertyLabel, ODataPropertyType } from '../odata/enums.js';
import type { SchemaWrite } from '../odata/schema-entity.js';
import { argumentLimits, checkKey, checkString } from './arguments.js';

function checkList<T>(list: ReadonlyArray<T> | null | undefined, max: number, argument: string): void {
  if (list != null && list.length > max) throw badUserInput(`\`${argument}\` has more than ${max} entries.`, argument);
}

export function checkConnectionInput(input: CreateExternalConnectionInput): ConnectionWrite {
  checkString(input.name, 'input.name', argumentLimits.maxNameLength);
  checkString(input.description, 'input.description');
  return { connectionId: checkKey(input.connectionId, 'input.connectionId'), name: input.name, description: input.description };
}

export function checkSchemaInput(input: ConnectionSchemaInput): SchemaWrite {
  const baseType = input.baseType ?? 'microsoft.graph.externalItem';
  checkString(baseType, 'input.baseType', argumentLimits.maxNameLength);
  checkList(input.properties, argumentLimits.maxSchemaProperties, 'input.properties');
  for (const property of input.properties) {
    checkString(property.name, 'input.properties.name', argumentLimits.maxNameLength);
    if (property.type === ODataPropertyType.UNKNOWN_FUTURE_VALUE) {
      throw badUserInput('`input.properties.type` cannot be UNKNOWN_FUTURE_VALUE: it stands for types the gateway does not know.', 'input.properties.type');
    }
    checkList(property.labels, argumentLimits.maxPropertyList, 'input.properties.labels');
    if (property.labels?.includes(ODataPropertyLabel.UNKNOWN_FUTURE_VALUE)) {
      throw badUserInput('`input.properties.labels` cannot hold UNKNOWN_FUTURE_VALUE: it stands for labels the gateway does not know.', 'input.properties.labels');
    }
    checkList(property.aliases, argumentLimits.maxPropertyList, 'input.properties.aliases');
    for (const alias of property.aliases ?? []) checkString(alias, 'input.properties.aliases', argumentLimits.maxNameLength);
  }
  return { baseType, properties: input.properties };
}
