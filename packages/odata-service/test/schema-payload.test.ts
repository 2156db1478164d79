/** The body of a schema registration (schema-payload.ts), pure: what is a 400 at once, and what is stored. */
import { describe, expect, it } from 'vitest';
import { ODataError } from '../src/errors.js';
import { parseSchemaPayload } from '../src/schema-payload.js';

const BASE = 'microsoft.graph.externalItem';

function refusal(body: unknown, apiVersion: 'beta' | 'v1.0' = 'v1.0'): string {
  try {
    parseSchemaPayload(body, apiVersion);
  } catch (error) {
    expect(error).toBeInstanceOf(ODataError);
    expect((error as ODataError).status).toBe(400);
    return (error as ODataError).message;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('schema registration body', () => {
  it('stores every property with all its fields, defaults false and []', () => {
    const schema = parseSchemaPayload(
      {
        '@odata.type': '#microsoft.graph.externalConnectors.schema',
        baseType: BASE,
        properties: [
          { '@odata.type': '#microsoft.graph.externalConnectors.property', name: 'title', type: 'string', isSearchable: true, labels: ['title'], aliases: ['t'] },
          { name: 'n', type: 'int64', isQueryable: null, labels: null, aliases: null, 'name@odata.type': 'String' },
        ],
      },
      'v1.0',
    );
    expect(schema).toEqual({
      baseType: BASE,
      properties: [
        { name: 'title', type: 'string', isSearchable: true, isQueryable: false, isRetrievable: false, isRefinable: false, isExactMatchRequired: false, labels: ['title'], aliases: ['t'] },
        { name: 'n', type: 'int64', isSearchable: false, isQueryable: false, isRetrievable: false, isRefinable: false, isExactMatchRequired: false, labels: [], aliases: [] },
      ],
    });
  });

  it('accepts either namespace in @odata.type, in both modes; leaves the rules (names, flags) to the operation', () => {
    for (const apiVersion of ['beta', 'v1.0'] as const) {
      for (const type of ['#microsoft.graph.schema', '#microsoft.graph.externalConnectors.schema']) {
        expect(parseSchemaPayload({ '@odata.type': type, baseType: BASE, properties: [] }, apiVersion)).toEqual({ baseType: BASE, properties: [] });
      }
    }
    expect(parseSchemaPayload({ baseType: BASE, properties: [{ name: 'not valid!', type: 'double', isSearchable: true, isRefinable: true }] }).properties).toHaveLength(1);
  });

  it.each([
    ['not an object', [], "must be a JSON object of type 'microsoft.graph.externalConnectors.schema'"],
    ['null', null, 'must be a JSON object'],
    ['another @odata.type', { '@odata.type': '#microsoft.graph.externalConnectors.externalConnection', baseType: BASE, properties: [] }, 'does not match the expected type'],
    ['an unknown property', { baseType: BASE, properties: [], id: 'x' }, "The property 'id' does not exist on type 'microsoft.graph.externalConnectors.schema'."],
    ['no baseType', { properties: [] }, "'baseType' must be 'microsoft.graph.externalItem', not null"],
    ['another baseType', { baseType: 'microsoft.graph.externalConnector.externalItem', properties: [] }, "'baseType' must be"],
    ['no properties', { baseType: BASE }, "'properties' is required and must be an array"],
    ['properties an object', { baseType: BASE, properties: {} }, "'properties' is required and must be an array"],
    ['a property not an object', { baseType: BASE, properties: ['x'] }, "properties[0] must be a JSON object of type 'microsoft.graph.externalConnectors.property'"],
    ['a property of another type', { baseType: BASE, properties: [{ '@odata.type': '#microsoft.graph.user', name: 'a', type: 'string' }] }, 'does not match'],
    ['an unknown property field', { baseType: BASE, properties: [{ name: 'a', type: 'string', rankingHint: {} }] }, "The property 'rankingHint' does not exist on type 'microsoft.graph.externalConnectors.property'."],
    ['no name', { baseType: BASE, properties: [{ type: 'string' }] }, "properties[0]: the property 'name' is required"],
    ['a numeric name', { baseType: BASE, properties: [{ name: 1, type: 'string' }] }, "properties[0]: the property 'name' is required and must be a string, not 1"],
    ['no type', { baseType: BASE, properties: [{ name: 'a' }] }, "properties[0]: the property 'type' is required"],
    ['an unknown type', { baseType: BASE, properties: [{ name: 'a', type: 'text' }] }, `properties[0]: cannot convert the literal "text" to the expected type 'microsoft.graph.externalConnectors.propertyType'`],
    ['a type in another case', { baseType: BASE, properties: [{ name: 'a', type: 'String' }] }, 'cannot convert the literal "String"'],
    ['the GraphQL name of a type', { baseType: BASE, properties: [{ name: 'a', type: 'STRING_COLLECTION' }] }, 'cannot convert'],
    ['the sentinel type', { baseType: BASE, properties: [{ name: 'a', type: 'unknownFutureValue' }] }, 'cannot convert the literal "unknownFutureValue"'],
    ['a flag as a string', { baseType: BASE, properties: [{ name: 'a', type: 'string', isSearchable: 'true' }] }, 'properties[0].isSearchable must be true, false or null, not "true"'],
    ['a flag as a number', { baseType: BASE, properties: [{ name: 'a', type: 'string', isExactMatchRequired: 1 }] }, 'properties[0].isExactMatchRequired must be'],
    ['labels not an array', { baseType: BASE, properties: [{ name: 'a', type: 'string', labels: 'title' }] }, 'properties[0].labels must be an array of strings'],
    ['a label not a string', { baseType: BASE, properties: [{ name: 'a', type: 'string', labels: [0] }] }, 'properties[0].labels must be an array of strings'],
    ['an unknown label', { baseType: BASE, properties: [{ name: 'a', type: 'string', labels: ['headline'] }] }, `properties[0].labels: cannot convert the literal "headline" to the expected type 'microsoft.graph.externalConnectors.label'`],
    ['the sentinel label', { baseType: BASE, properties: [{ name: 'a', type: 'string', labels: ['unknownFutureValue'] }] }, 'cannot convert the literal "unknownFutureValue"'],
    ['aliases not an array', { baseType: BASE, properties: [{ name: 'a', type: 'string', aliases: 'x' }] }, 'properties[0].aliases must be an array of strings'],
    ['an alias not a string', { baseType: BASE, properties: [{ name: 'a', type: 'string', aliases: [null] }] }, 'properties[0].aliases must be an array of strings'],
  ])('400 for %s', (_name, body, message) => {
    expect(refusal(body)).toContain(message);
  });

  it("400 InvalidRequest for a refinable boolean property, as Graph answers it at once (RefinerShouldNotBeOfType)", () => {
    let error: unknown;
    try {
      parseSchemaPayload({ baseType: BASE, properties: [{ name: 'a', type: 'string' }, { name: 'done', type: 'boolean', isRefinable: true }] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ODataError);
    expect(error).toMatchObject({ status: 400, code: 'InvalidRequest', message: "properties[1]: Refiner property 'done' cannot be of type 'Boolean'." });
    // Refinable properties of other types, and booleans that are not refinable, are fine.
    expect(parseSchemaPayload({ baseType: BASE, properties: [{ name: 'done', type: 'boolean', isRefinable: false, isQueryable: true }, { name: 'n', type: 'double', isRefinable: true }] }).properties).toHaveLength(2);
  });

  it('names the beta mode its own types', () => {
    expect(refusal([], 'beta')).toContain("type 'microsoft.graph.schema'");
    expect(refusal({ baseType: BASE, properties: [{ name: 'a', type: 'x' }] }, 'beta')).toContain("'microsoft.graph.propertyType'");
    expect(refusal({ baseType: BASE, properties: [{ name: 'a', type: 'string', labels: ['x'] }] }, 'beta')).toContain("'microsoft.graph.label'");
    expect(refusal({ baseType: BASE, properties: [1] }, 'beta')).toContain("'microsoft.graph.property'");
  });

  it('names the members a type may be (not the sentinel)', () => {
    expect(refusal({ baseType: BASE, properties: [{ name: 'a', type: 'x' }] })).toContain(
      'members are string, int64, double, dateTime, boolean, stringCollection, int64Collection, doubleCollection, dateTimeCollection.',
    );
    expect(refusal({ baseType: BASE, properties: [{ name: 'a', type: 'string', labels: ['x'] }] })).toContain(
      'members are title, url, createdBy, lastModifiedBy, authors, createdDateTime, lastModifiedDateTime, fileName, fileExtension, containerName, containerUrl, iconUrl.',
    );
  });
});
