/**
 * Microsoft Graph's rules for a connection schema: what makes a well-formed registration (schema-payload.ts)
 * end as a `failed` operation minutes later instead of `completed`. Pure: a schema in, its problems out (none:
 * the registration completes), each a `publicErrorDetail` `{code, message, target}`; {@link schemaFailure}
 * turns them into the operation's error.
 *
 * The rules, from Graph's pages on schema, property and labels:
 * - `properties` holds 1 to {@link MAX_PROPERTIES} properties;
 * - a property name is 1 to 32 letters and digits, and names are unique, case-insensitively;
 * - only `string` and `stringCollection` properties can be searchable, and a searchable property cannot be
 *   refinable;
 * - `isExactMatchRequired` only on properties of type `string` or `stringCollection` that are not searchable;
 * - an alias is 1 to 32 letters and digits, and neither another alias nor a property name (case-insensitively);
 * - a label names one property at most (and once), and the property must be of the label's type (`authors` a
 *   `stringCollection`, `createdDateTime` and `lastModifiedDateTime` a `dateTime`, the other labels a `string`);
 * - a property with a label must be retrievable ("All properties that you map to labels must be retrievable",
 *   Graph's page on registering a connection schema), whatever the label, known to this service or not.
 * Members this service does not know (a test stored an evolved Graph's `type` or label) meet no type rule.
 */
import type { StoredSchema, StoredSchemaProperty } from './store.js';

/** A `publicErrorDetail`: what is wrong, and where (`properties/{name}`, or `properties`). */
export interface SchemaProblem {
  code: string;
  message: string;
  target: string;
}

/** The error of a failed registration, in the publicError shape (the service stores it in its mode's shape). */
export interface SchemaFailure {
  code: string;
  message: string;
  details: SchemaProblem[];
}

export const MAX_PROPERTIES = 128;
/** Property names and aliases: letters and digits, at most 32. */
export const SCHEMA_NAME_PATTERN = /^[A-Za-z0-9]{1,32}$/;

const SEARCHABLE_TYPES: ReadonlySet<string> = new Set(['string', 'stringCollection']);

/** The propertyType each label requires. */
export const LABEL_TYPES: Readonly<Record<string, string>> = {
  title: 'string',
  url: 'string',
  createdBy: 'string',
  lastModifiedBy: 'string',
  authors: 'stringCollection',
  createdDateTime: 'dateTime',
  lastModifiedDateTime: 'dateTime',
  fileName: 'string',
  fileExtension: 'string',
  containerName: 'string',
  containerUrl: 'string',
  iconUrl: 'string',
};

function target(property: StoredSchemaProperty, part?: 'labels' | 'aliases'): string {
  return `properties/${property.name}${part ? `/${part}` : ''}`;
}

function propertyProblems(property: StoredSchemaProperty): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const add = (code: string, message: string, part?: 'labels' | 'aliases') => problems.push({ code, message, target: target(property, part) });
  if (!SCHEMA_NAME_PATTERN.test(property.name)) {
    add('InvalidPropertyName', `The property name ${JSON.stringify(property.name)} is not valid: use 1 to 32 letters and digits.`);
  }
  if (property.isSearchable === true && !SEARCHABLE_TYPES.has(property.type)) {
    add('InvalidSearchableProperty', `The property '${property.name}' of type ${property.type} cannot be searchable: only string and stringCollection properties can.`);
  }
  if (property.isSearchable === true && property.isRefinable === true) {
    add('SearchableAndRefinable', `The property '${property.name}' cannot be both searchable and refinable.`);
  }
  if (property.isExactMatchRequired === true && (property.isSearchable === true || !SEARCHABLE_TYPES.has(property.type))) {
    add('InvalidExactMatchProperty', `The property '${property.name}' cannot require exact matches: only string and stringCollection properties that are not searchable can.`);
  }
  for (const alias of property.aliases ?? []) {
    if (!SCHEMA_NAME_PATTERN.test(alias)) add('InvalidAlias', `The alias ${JSON.stringify(alias)} of '${property.name}' is not valid: use 1 to 32 letters and digits.`, 'aliases');
  }
  for (const label of property.labels ?? []) {
    const required = LABEL_TYPES[label];
    if (required !== undefined && required !== property.type) {
      add('InvalidLabelType', `The label '${label}' needs a property of type ${required}; '${property.name}' is of type ${property.type}.`, 'labels');
    }
  }
  if ((property.labels ?? []).length > 0 && property.isRetrievable !== true) {
    add('LabelNotRetrievable', `The property '${property.name}' has a label (${property.labels!.join(', ')}), so it must be retrievable.`, 'labels');
  }
  return problems;
}

/** Every rule the schema breaks, in property order; empty when a registration of it completes. */
export function schemaProblems(schema: StoredSchema): SchemaProblem[] {
  const { properties } = schema;
  const problems: SchemaProblem[] = [];
  if (properties.length === 0) {
    problems.push({ code: 'NoProperties', message: 'A schema needs at least one property.', target: 'properties' });
  }
  if (properties.length > MAX_PROPERTIES) {
    problems.push({ code: 'TooManyProperties', message: `A schema holds at most ${MAX_PROPERTIES} properties; this one has ${properties.length}.`, target: 'properties' });
  }
  const names = new Map<string, string>(); // lower-case name or alias → what it is
  for (const property of properties) {
    const key = property.name.toLowerCase();
    if (names.has(key)) {
      problems.push({ code: 'DuplicatePropertyName', message: `The property name '${property.name}' is used twice (names are compared case-insensitively).`, target: target(property) });
    } else {
      names.set(key, `the property '${property.name}'`);
    }
  }
  const labelOwners = new Map<string, string>();
  for (const property of properties) {
    problems.push(...propertyProblems(property));
    for (const alias of property.aliases ?? []) {
      const key = alias.toLowerCase();
      const taken = names.get(key);
      if (taken !== undefined) {
        problems.push({ code: 'DuplicateAlias', message: `The alias '${alias}' of '${property.name}' is already ${taken}.`, target: target(property, 'aliases') });
      } else {
        names.set(key, `an alias of '${property.name}'`);
      }
    }
    for (const label of property.labels ?? []) {
      const owner = labelOwners.get(label);
      if (owner !== undefined) {
        problems.push({ code: 'DuplicateLabel', message: `The label '${label}' is already on '${owner}'; a label names one property, once.`, target: target(property, 'labels') });
      } else {
        labelOwners.set(label, property.name);
      }
    }
  }
  return problems;
}

/** The operation's error for a schema with `problems` (not empty). */
export function schemaFailure(problems: readonly SchemaProblem[]): SchemaFailure {
  const count = problems.length === 1 ? 'one problem' : `${problems.length} problems`;
  return { code: 'InvalidSchema', message: `The schema was not registered: it has ${count} (see details).`, details: problems.map((problem) => ({ ...problem })) };
}
