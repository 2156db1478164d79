/** Graph's schema rules (schema-rules.ts), pure: each rule alone, its code and target, and schemas that pass. */
import { describe, expect, it } from 'vitest';
import { EXTERNAL_ITEM_BASE_TYPE } from '../src/model.js';
import { sampleConnections } from '../src/sample-data.js';
import { LABEL_TYPES, MAX_PROPERTIES, schemaFailure, schemaProblems } from '../src/schema-rules.js';
import type { StoredSchemaProperty } from '../src/store.js';

function prop(name: string, type: string, more: Partial<StoredSchemaProperty> = {}): StoredSchemaProperty {
  return { name, type, ...more };
}

function problems(...properties: StoredSchemaProperty[]): Array<[string, string]> {
  return schemaProblems({ baseType: EXTERNAL_ITEM_BASE_TYPE, properties }).map((p) => [p.code, p.target]);
}

describe('schema rules', () => {
  it('a schema that keeps every rule has no problems', () => {
    expect(
      problems(
        prop('title', 'string', { isSearchable: true, isQueryable: true, isRetrievable: true, labels: ['title'], aliases: ['heading'] }),
        prop('owners', 'stringCollection', { isSearchable: true, isRetrievable: true, labels: ['authors'] }),
        prop('priority', 'int64', { isQueryable: true, isRefinable: true }),
        prop('category', 'string', { isRefinable: true, isExactMatchRequired: true }),
        prop('created', 'dateTime', { isRefinable: true, isRetrievable: true, labels: ['createdDateTime'] }),
        prop('iconLink', 'string', { isRetrievable: true, labels: ['iconUrl'] }),
        prop('A1234567890123456789012345678901', 'boolean'),
      ),
    ).toEqual([]);
  });

  it("the sample data's schema keeps them", () => {
    const schema = sampleConnections('v1.0').find((c) => c.schema)!.schema!;
    expect(schema.properties.length).toBeGreaterThan(3);
    expect(schemaProblems(schema)).toEqual([]);
  });

  it('needs 1 to 128 properties', () => {
    expect(problems()).toEqual([['NoProperties', 'properties']]);
    const many = Array.from({ length: MAX_PROPERTIES }, (_, n) => prop(`p${n}`, 'string'));
    expect(problems(...many)).toEqual([]);
    expect(problems(...many, prop('extra', 'string'))).toEqual([['TooManyProperties', 'properties']]);
  });

  it.each([[''], ['has space'], ['under_score'], ['dash-ed'], ['ünïcode'], ['A12345678901234567890123456789012']])('refuses the property name %j', (name) => {
    expect(problems(prop(name, 'string'))).toEqual([['InvalidPropertyName', `properties/${name}`]]);
  });

  it('refuses a name used twice, case-insensitively (the second one is the target)', () => {
    expect(problems(prop('Title', 'string'), prop('title', 'int64'))).toEqual([['DuplicatePropertyName', 'properties/title']]);
  });

  it.each(['int64', 'double', 'dateTime', 'boolean', 'int64Collection', 'doubleCollection', 'dateTimeCollection'])('refuses a searchable %s property', (type) => {
    expect(problems(prop('p', type, { isSearchable: true }))).toEqual([['InvalidSearchableProperty', 'properties/p']]);
  });

  it('refuses a property both searchable and refinable', () => {
    expect(problems(prop('p', 'string', { isSearchable: true, isRefinable: true }))).toEqual([['SearchableAndRefinable', 'properties/p']]);
    expect(problems(prop('p', 'string', { isSearchable: false, isRefinable: true }))).toEqual([]);
  });

  it('allows exact matching only on string properties that are not searchable', () => {
    expect(problems(prop('p', 'string', { isSearchable: true, isExactMatchRequired: true }))).toEqual([['InvalidExactMatchProperty', 'properties/p']]);
    expect(problems(prop('p', 'int64', { isExactMatchRequired: true }))).toEqual([['InvalidExactMatchProperty', 'properties/p']]);
    expect(problems(prop('p', 'stringCollection', { isExactMatchRequired: true }))).toEqual([]);
  });

  it('refuses invalid aliases, and aliases that are taken', () => {
    expect(problems(prop('p', 'string', { aliases: ['ok1', 'not ok'] }))).toEqual([['InvalidAlias', 'properties/p/aliases']]);
    expect(problems(prop('p', 'string', { aliases: ['x'] }), prop('q', 'string', { aliases: ['X'] }))).toEqual([['DuplicateAlias', 'properties/q/aliases']]);
    expect(problems(prop('p', 'string'), prop('q', 'string', { aliases: ['P'] }))).toEqual([['DuplicateAlias', 'properties/q/aliases']]);
  });

  it('refuses a label used twice, on two properties or on one', () => {
    expect(problems(prop('a', 'string', { isRetrievable: true, labels: ['title'] }), prop('b', 'string', { isRetrievable: true, labels: ['title'] }))).toEqual([['DuplicateLabel', 'properties/b/labels']]);
    expect(problems(prop('a', 'string', { isRetrievable: true, labels: ['url', 'url'] }))).toEqual([['DuplicateLabel', 'properties/a/labels']]);
  });

  it.each(Object.entries(LABEL_TYPES))('the label %s needs a %s property', (label, type) => {
    expect(problems(prop('p', type, { isRetrievable: true, labels: [label] }))).toEqual([]);
    const other = type === 'string' ? 'int64' : 'string';
    expect(problems(prop('p', other, { isRetrievable: true, labels: [label] }))).toEqual([['InvalidLabelType', 'properties/p/labels']]);
  });

  it('members it does not know (an evolved Graph) meet no type rule', () => {
    expect(problems(prop('p', 'principal', { isRetrievable: true, labels: ['personName'] }))).toEqual([]);
  });

  it('needs a property with a label to be retrievable, whatever the label', () => {
    for (const more of [{}, { isRetrievable: false }, { isRetrievable: null }] as const) {
      expect(problems(prop('p', 'string', { ...more, labels: ['title', 'url'] }))).toEqual([['LabelNotRetrievable', 'properties/p/labels']]);
    }
    expect(problems(prop('p', 'principal', { labels: ['personName'] }))).toEqual([['LabelNotRetrievable', 'properties/p/labels']]);
    expect(problems(prop('p', 'string', { labels: [] }), prop('q', 'string', { isRetrievable: true, labels: ['title'] }))).toEqual([]);
  });

  it('lists every problem of a schema, in property order', () => {
    expect(
      problems(
        prop('bad name', 'string', { isSearchable: true, isRefinable: true }),
        prop('n', 'double', { isSearchable: true, labels: ['title'] }),
      ),
    ).toEqual([
      ['InvalidPropertyName', 'properties/bad name'],
      ['SearchableAndRefinable', 'properties/bad name'],
      ['InvalidSearchableProperty', 'properties/n'],
      ['InvalidLabelType', 'properties/n/labels'],
      ['LabelNotRetrievable', 'properties/n/labels'],
    ]);
  });

  it('makes the operation error a publicError: code, message, and the problems as details', () => {
    const [problem] = schemaProblems({ baseType: EXTERNAL_ITEM_BASE_TYPE, properties: [prop('p', 'int64', { isSearchable: true })] });
    expect(schemaFailure([problem!])).toEqual({
      code: 'InvalidSchema',
      message: 'The schema was not registered: it has one problem (see details).',
      details: [{ code: 'InvalidSearchableProperty', message: 'The property \'p\' of type int64 cannot be searchable: only string and stringCollection properties can.', target: 'properties/p' }],
    });
    expect(schemaFailure([problem!, problem!]).message).toBe('The schema was not registered: it has 2 problems (see details).');
  });
});
