/**
 * A connection's schema (Microsoft Graph's externalConnectors.schema and .property): the gateway's model, the
 * parsing of upstream JSON into it, and the body a registration sends. Property types and labels stay OData
 * member strings here (evolvable enums): the GraphQL mapping happens at the field resolvers.
 */
import { contextNamesAnotherConnection } from './context-url.js';
import type { ODataPropertyLabel, ODataPropertyType } from './enums.js';
import { UpstreamError } from './errors.js';
import { isRecord } from './json.js';

export interface SchemaPropertyModel {
  name: string;
  /** propertyType member as sent (may be one the gateway does not know). */
  type: string;
  isSearchable: boolean | null;
  isQueryable: boolean | null;
  isRetrievable: boolean | null;
  isRefinable: boolean | null;
  isExactMatchRequired: boolean | null;
  /** label members as sent. */
  labels: string[] | null;
  aliases: string[] | null;
}

export interface SchemaModel {
  connectionId: string;
  baseType: string;
  properties: SchemaPropertyModel[];
}

/** A schema as a registration sends it (inputs already checked: resolvers/schema-input.ts). */
export interface SchemaWrite {
  baseType: string;
  properties: ReadonlyArray<{
    name: string;
    type: ODataPropertyType;
    isSearchable?: boolean | null;
    isQueryable?: boolean | null;
    isRetrievable?: boolean | null;
    isRefinable?: boolean | null;
    isExactMatchRequired?: boolean | null;
    labels?: ReadonlyArray<ODataPropertyLabel> | null;
    aliases?: ReadonlyArray<string> | null;
  }>;
}

const FLAGS = ['isSearchable', 'isQueryable', 'isRetrievable', 'isRefinable', 'isExactMatchRequired'] as const;

const flag = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);

function strings(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  return value.filter((item): item is string => typeof item === 'string');
}

function parseProperty(value: unknown): SchemaPropertyModel {
  if (!isRecord(value) || typeof value.name !== 'string' || typeof value.type !== 'string') throw UpstreamError.malformed();
  return {
    name: value.name,
    type: value.type,
    isSearchable: flag(value.isSearchable),
    isQueryable: flag(value.isQueryable),
    isRetrievable: flag(value.isRetrievable),
    isRefinable: flag(value.isRefinable),
    isExactMatchRequired: flag(value.isExactMatchRequired),
    labels: strings(value.labels),
    aliases: strings(value.aliases),
  };
}

/**
 * One connection's schema, bare or wrapped as `{"value": {...}}`. UPSTREAM_ERROR when it is not a schema (no
 * `properties` array, a property without a string name and type), and a wrong-entity UPSTREAM_ERROR when its
 * `@odata.context` names another connection.
 */
export function parseSchema(body: unknown, connectionId: string): SchemaModel {
  const entity = isRecord(body) && isRecord(body.value) ? body.value : body;
  if (!isRecord(entity) || !Array.isArray(entity.properties)) throw UpstreamError.malformed();
  if (isRecord(body) && contextNamesAnotherConnection(body['@odata.context'], connectionId)) throw UpstreamError.wrongEntity(undefined);
  return {
    connectionId,
    baseType: typeof entity.baseType === 'string' ? entity.baseType : 'microsoft.graph.externalItem',
    properties: entity.properties.map(parseProperty),
  };
}

/** The body of a registration: what the client gave, and nothing it left out. */
export function schemaBody(schema: SchemaWrite): Record<string, unknown> {
  return {
    baseType: schema.baseType,
    properties: schema.properties.map((property) => {
      const out: Record<string, unknown> = { name: property.name, type: property.type };
      for (const name of FLAGS) if (property[name] != null) out[name] = property[name];
      if (property.labels != null) out.labels = [...property.labels];
      if (property.aliases != null) out.aliases = [...property.aliases];
      return out;
    }),
  };
}
