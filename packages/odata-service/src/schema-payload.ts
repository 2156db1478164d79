/**
 * The body of a schema registration (`PATCH` or `POST {cs}/{cid}/schema`): what Graph refuses at once with a
 * 400, before any operation starts. Pure: JSON in, a complete {@link StoredSchema} out (every property with all
 * nine fields, flags `false` and lists `[]` where the body leaves them out or sends null), or an
 * {@link ODataError} 400.
 *
 * Refused here (the body is not a schema): not an object; an `@odata.type` naming another type; a property the
 * type does not have; `baseType` missing or other than `microsoft.graph.externalItem`; `properties` missing or
 * not an array; a property that is not an object, without a string `name` or `type`, with a `type` or a label
 * that is not a member of its enum (names are case-sensitive, as Graph writes them) or is the sentinel
 * `unknownFutureValue`, a flag that is not a boolean, or `labels`/`aliases` that are not arrays of strings;
 * and a refinable `boolean` property, which Graph answers at once with a 400 `InvalidRequest` ("Refiner
 * property '…' cannot be of type 'Boolean'", its inner code `RefinerShouldNotBeOfType`; reported on
 * microsoftgraph/microsoft-graph-docs-contrib#2094), not with a failed operation.
 *
 * What a well-formed schema may still break (names, flags that do not go together, labels twice, more than
 * 128 properties, ...) is Graph's registration rules: schema-rules.ts, checked when the operation runs.
 */
import { ODataError, badRequest } from './errors.js';
import {
  EXTERNAL_ITEM_BASE_TYPE,
  EXTERNAL_NAMESPACE,
  NAMESPACE,
  LABEL_MEMBERS,
  PROPERTY_TYPE_MEMBERS,
  connectorTypeNames,
  isLabelMember,
  isPropertyTypeMember,
  type ApiVersion,
} from './model.js';
import { checkShape, isObject, type JsonObject } from './payload.js';
import type { StoredSchema, StoredSchemaProperty } from './store.js';

/** The flags of a schema property, in the order this service renders them. */
export const PROPERTY_FLAGS = ['isSearchable', 'isQueryable', 'isRetrievable', 'isRefinable', 'isExactMatchRequired'] as const;
export type PropertyFlag = (typeof PROPERTY_FLAGS)[number];

const PROPERTY_FIELDS = ['name', 'type', ...PROPERTY_FLAGS, 'labels', 'aliases'] as const;

/** Members a request may use: every member but the sentinel (Graph: "Evolvable enumeration sentinel value. Do not use."). */
function usableMembers(members: Readonly<Record<string, number>>): string[] {
  return Object.keys(members).filter((member) => member !== 'unknownFutureValue');
}

function enumError(what: string, value: unknown, enumType: string, members: Readonly<Record<string, number>>): never {
  throw badRequest(`${what}: cannot convert the literal ${JSON.stringify(value)} to the expected type '${enumType}'; members are ${usableMembers(members).join(', ')}.`);
}

function stringList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw badRequest(`${what} must be an array of strings or null, not ${JSON.stringify(value)}.`);
  return value as string[];
}

function parseProperty(value: unknown, index: number, apiVersion: ApiVersion): StoredSchemaProperty {
  const [typeName, alias] = connectorTypeNames(apiVersion, 'property');
  const where = `properties[${index}]`;
  if (!isObject(value)) throw badRequest(`${where} must be a JSON object of type '${typeName}'.`);
  checkShape(value, typeName, PROPERTY_FIELDS, [alias]);
  const { name, type } = value;
  if (typeof name !== 'string') throw badRequest(`${where}: the property 'name' is required and must be a string, not ${JSON.stringify(name ?? null)}.`);
  if (typeof type !== 'string') throw badRequest(`${where}: the property 'type' is required and must be a propertyType member, not ${JSON.stringify(type ?? null)}.`);
  const enumNamespace = apiVersion === 'beta' ? NAMESPACE : EXTERNAL_NAMESPACE;
  if (!isPropertyTypeMember(type) || type === 'unknownFutureValue') enumError(where, type, `${enumNamespace}.propertyType`, PROPERTY_TYPE_MEMBERS);
  const property: StoredSchemaProperty = { name, type };
  for (const flag of PROPERTY_FLAGS) property[flag] = parseFlag(value, flag, where);
  if (property.isRefinable === true && type === 'boolean') {
    throw new ODataError(400, 'InvalidRequest', `${where}: Refiner property '${name}' cannot be of type 'Boolean'.`);
  }
  const labels = stringList(value['labels'], `${where}.labels`);
  for (const label of labels) if (!isLabelMember(label) || label === 'unknownFutureValue') enumError(`${where}.labels`, label, `${enumNamespace}.label`, LABEL_MEMBERS);
  property.labels = labels;
  property.aliases = stringList(value['aliases'], `${where}.aliases`);
  return property;
}

function parseFlag(value: JsonObject, flag: PropertyFlag, where: string): boolean {
  const item = value[flag];
  if (item === undefined || item === null) return false;
  if (typeof item !== 'boolean') throw badRequest(`${where}.${flag} must be true, false or null, not ${JSON.stringify(item)}.`);
  return item;
}

/** Validates a registration body and returns the schema to register (see the module comment for what is a 400). */
export function parseSchemaPayload(body: unknown, apiVersion: ApiVersion = 'beta'): StoredSchema {
  const [typeName, alias] = connectorTypeNames(apiVersion, 'schema');
  if (!isObject(body)) throw badRequest(`The request body must be a JSON object of type '${typeName}'.`);
  checkShape(body, typeName, ['baseType', 'properties'], [alias]);
  const { baseType, properties } = body;
  if (baseType !== EXTERNAL_ITEM_BASE_TYPE) {
    throw badRequest(`The property 'baseType' must be '${EXTERNAL_ITEM_BASE_TYPE}', not ${JSON.stringify(baseType ?? null)}.`);
  }
  if (!Array.isArray(properties)) throw badRequest(`The property 'properties' is required and must be an array of '${connectorTypeNames(apiVersion, 'property')[0]}', not ${JSON.stringify(properties ?? null)}.`);
  return { baseType, properties: properties.map((property, index) => parseProperty(property, index, apiVersion)) };
}
