/**
 * The v1.0 mode of the embedded service: publicError stored, rendered and validated, the v1.0 `$metadata`,
 * only the `external/connections` path family, and sample data in the publicError shape. These tests write and
 * list operations, so they use the seed operations API (`operationsApi: 'seed'`); Graph's own (`'graph'`, the
 * v1.0 default): service-lifecycle.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createODataService } from '../src/service.js';
import { type Harness, graphError, obj, startService, values } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startService({ apiVersion: 'v1.0', operationsApi: 'seed' });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.service.reset();
  h.service.store.addConnection('c1');
});

const publicError = {
  '@odata.type': '#microsoft.graph.publicError',
  code: 'E1',
  message: 'broken',
  target: 'schema',
  details: [
    { '@odata.type': '#microsoft.graph.publicErrorDetail', code: 'D1', message: 'm1', target: 'properties/a' },
    { code: null, message: 'm2' },
  ],
  innerError: { '@odata.type': '#microsoft.graph.publicInnerError', code: 'I', details: [{ target: 't' }] },
};

const stored = {
  code: 'E1',
  message: 'broken',
  target: 'schema',
  details: [{ code: 'D1', message: 'm1', target: 'properties/a' }, { code: null, message: 'm2' }],
  innerError: { code: 'I', details: [{ target: 't' }] },
};

describe('v1.0 mode: root and path families', () => {
  it('serves at /v1.0 by default, and only external/connections', async () => {
    expect(new URL(h.service.url).pathname).toBe('/v1.0');
    expect((await h.client.get('/external/connections/c1/operations')).status).toBe(200);
    for (const path of ['/connections', '/connections/c1', '/connections/c1/operations', "/connections('c1')/operations"]) {
      const res = await h.client.get(path);
      expect(res.status, path).toBe(404);
      expect(graphError(res).message, path).toBe("Resource not found for the segment 'connections'.");
    }
    const batch = await h.client.send('POST', '/$batch', { body: { requests: [{ id: '1', method: 'GET', url: '/connections/c1/operations' }] } });
    expect(obj(arr(obj(batch.json)['responses'])[0])['status']).toBe(404);
    expect(values(await h.client.get('')).map((v) => v['name'])).toEqual(['external']);
  });

  it('keeps an explicit basePath, and refuses an unknown apiVersion', async () => {
    const other = createODataService({ apiVersion: 'v1.0', basePath: '/beta' });
    expect(new URL(await other.listen(0)).pathname).toBe('/beta');
    await other.close();
    expect(() => createODataService({ apiVersion: 'v2' as 'v1.0' })).toThrow(/apiVersion must be one of beta, v1.0/);
  });
});

function arr(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error(`expected an array, got ${JSON.stringify(value)}`);
  return value;
}

describe('v1.0 mode: publicError', () => {
  it('stores and renders a created publicError (annotations dropped), under either operation type name', async () => {
    for (const [id, type] of [
      ['op-a', '#microsoft.graph.externalConnectors.connectionOperation'],
      ['op-b', '#microsoft.graph.connectionOperation'],
    ] as const) {
      const res = await h.client.send('POST', '/external/connections/c1/operations', { body: { '@odata.type': type, id, status: 'failed', error: publicError } });
      expect(res.status, type).toBe(201);
      expect(obj(res.json)['error']).toEqual(stored);
      expect(h.service.store.getOperation('c1', id)?.error).toEqual(stored);
      expect(obj((await h.client.get(`/external/connections/c1/operations/${id}`)).json)['error']).toEqual(stored);
    }
  });

  it('replaces the error on PATCH, and accepts null', async () => {
    h.service.store.putOperation('c1', { id: 'p', status: 'failed', error: stored });
    const res = await h.client.send('PATCH', '/external/connections/c1/operations/p', { body: { error: { code: 'X', target: 't' } } });
    expect(res.status).toBe(200);
    expect(obj(res.json)['error']).toEqual({ code: 'X', target: 't' });
    expect((await h.client.send('PATCH', '/external/connections/c1/operations/p', { body: { error: null } })).status).toBe(200);
    expect(h.service.store.getOperation('c1', 'p')?.error).toBeNull();
  });

  it.each([
    ['an errorDetail property', { error: { errorCode: 'x' } }, "The property 'errorCode' does not exist on type 'microsoft.graph.publicError'."],
    ['the errorDetail type', { error: { '@odata.type': '#microsoft.graph.errorDetail' } }, "does not match the expected type '#microsoft.graph.publicError'"],
    ['error not an object', { error: [] }, "'error' must be a JSON object of type 'microsoft.graph.publicError'"],
    ['target not a string', { error: { target: 1 } }, "'target' of type 'microsoft.graph.publicError' must be a string"],
    ['details not an array', { error: { details: 'x' } }, "'details' of type 'microsoft.graph.publicError' must be an array"],
    ['a detail not an object', { error: { details: [1] } }, "error.details[0] must be a JSON object of type 'microsoft.graph.publicErrorDetail'"],
    ['an innerErrorDetail property', { error: { details: [{ source: 's' }] } }, "'source' does not exist on type 'microsoft.graph.publicErrorDetail'"],
    ['the innerErrorDetail type', { error: { details: [{ '@odata.type': '#microsoft.graph.innerErrorDetail' }] } }, 'does not match'],
    ['a detail code not a string', { error: { details: [{ code: 5 }] } }, "'code' of type 'microsoft.graph.publicErrorDetail'"],
    ['innerError not an object', { error: { innerError: 'x' } }, "'innerError' must be a JSON object of type 'microsoft.graph.publicInnerError'"],
    ['an unknown innerError property', { error: { innerError: { date: 'x' } } }, "'date' does not exist on type 'microsoft.graph.publicInnerError'"],
    ['innerError details not an array', { error: { innerError: { details: {} } } }, "'details' of type 'microsoft.graph.publicInnerError'"],
    ['an innerError detail not an object', { error: { innerError: { details: [null] } } }, 'error.innerError.details[0]'],
    ['another entity type', { '@odata.type': '#microsoft.graph.externalConnectors.externalConnection' }, 'does not match'],
  ])('400 for %s', async (_name, body, message) => {
    const res = await h.client.send('POST', '/external/connections/c1/operations', { body });
    expect(res.status).toBe(400);
    expect(graphError(res).message).toContain(message);
  });

  it('seeds the sample data with publicErrors', () => {
    const seeded = createODataService({ apiVersion: 'v1.0', seed: true });
    expect(seeded.store.getOperation('contosohr', 'hr-op-004')?.error).toEqual({
      code: 'SchemaValidationFailed',
      message: 'Schema registration hr-op-004 failed validation.',
      target: 'schema',
      details: [
        { code: 'InvalidPropertyType', target: 'properties/employeeId', message: 'Property type Int64 is not allowed as a searchable property.' },
        { code: 'PropertyNameTooLong', target: 'properties/title', message: 'Property name exceeds 32 characters.' },
      ],
    });
    // The beta sample data is as before: errorDetail, the targets as the details' sources.
    expect(createODataService({ seed: true }).store.getOperation('contosohr', 'hr-op-004')?.error).toEqual({
      errorCode: 'SchemaValidationFailed',
      message: 'Schema registration hr-op-004 failed validation.',
      details: [
        { source: 'properties/employeeId', message: 'Property type Int64 is not allowed as a searchable property.' },
        { source: 'properties/title', message: 'Property name exceeds 32 characters.' },
      ],
    });
  });
});

describe('v1.0 mode: $metadata', () => {
  it('serves the v1.0 CSDL: publicError, externalConnectors types, unknownFutureValue = 4, no connections set', async () => {
    const res = await h.client.get('/$metadata');
    expect(res.status).toBe(200);
    const xml = res.text;
    expect(xml).toContain('<Schema Namespace="microsoft.graph" Alias="graph"');
    expect(xml).toContain('<Schema Namespace="microsoft.graph.externalConnectors"');
    expect(xml).toMatch(
      /<ComplexType Name="publicError">\s*<Property Name="code" Type="Edm.String"\/>\s*<Property Name="details" Type="Collection\(graph.publicErrorDetail\)"\/>\s*<Property Name="innerError" Type="graph.publicInnerError"\/>\s*<Property Name="message" Type="Edm.String"\/>\s*<Property Name="target" Type="Edm.String"\/>\s*<\/ComplexType>/,
    );
    expect(xml).toMatch(
      /<ComplexType Name="publicErrorDetail">\s*<Property Name="code" Type="Edm.String"\/>\s*<Property Name="message" Type="Edm.String"\/>\s*<Property Name="target" Type="Edm.String"\/>\s*<\/ComplexType>/,
    );
    expect(xml).toContain('<ComplexType Name="publicInnerError">');
    expect(xml).toMatch(/<EnumType Name="connectionOperationStatus">[\s\S]*<Member Name="failed" Value="3"\/>\s*<Member Name="unknownFutureValue" Value="4"\/>\s*<\/EnumType>/);
    expect(xml).toMatch(
      /<EntityType Name="connectionOperation" BaseType="graph.entity">\s*<Property Name="error" Type="graph.publicError"\/>\s*<Property Name="status" Type="microsoft.graph.externalConnectors.connectionOperationStatus"\/>/,
    );
    expect(xml).toContain('<NavigationProperty Name="connections" Type="Collection(microsoft.graph.externalConnectors.externalConnection)" ContainsTarget="true"/>');
    expect(xml).toContain('<NavigationProperty Name="operations" Type="Collection(microsoft.graph.externalConnectors.connectionOperation)" ContainsTarget="true"/>');
    expect(xml).toContain('<Singleton Name="external" Type="microsoft.graph.externalConnectors.external"/>');
    expect(xml).not.toContain('errorDetail');
    expect(xml).not.toContain('EntitySet');
    expect(xml).toMatch(/<EnumType Name="connectionState">\s*<Member Name="draft" Value="1"\/>\s*<Member Name="ready" Value="2"\/>\s*<Member Name="obsolete" Value="3"\/>\s*<Member Name="limitExceeded" Value="4"\/>\s*<Member Name="unknownFutureValue" Value="5"\/>/);
    expect(xml).toContain('<Property Name="description" Type="Edm.String"/>');
    expect(xml).toContain('<Property Name="state" Type="microsoft.graph.externalConnectors.connectionState"/>');
    // A connection's schema, as Graph's v1.0 CSDL has it (plus beta's isExactMatchRequired, containerName, containerUrl).
    expect(xml).toMatch(
      /<NavigationProperty Name="operations" Type="Collection\(microsoft.graph.externalConnectors.connectionOperation\)" ContainsTarget="true"\/>\s*<NavigationProperty Name="schema" Type="microsoft.graph.externalConnectors.schema" ContainsTarget="true"\/>\s*<\/EntityType>/,
    );
    expect(xml).toMatch(
      /<EntityType Name="schema" BaseType="graph.entity">\s*<Property Name="baseType" Type="Edm.String" Nullable="false"\/>\s*<Property Name="properties" Type="Collection\(microsoft.graph.externalConnectors.property\)"\/>\s*<\/EntityType>/,
    );
    expect(xml).toMatch(
      /<ComplexType Name="property">\s*<Property Name="aliases" Type="Collection\(Edm.String\)"\/>\s*<Property Name="isExactMatchRequired" Type="Edm.Boolean"\/>\s*<Property Name="isQueryable" Type="Edm.Boolean"\/>\s*<Property Name="isRefinable" Type="Edm.Boolean"\/>\s*<Property Name="isRetrievable" Type="Edm.Boolean"\/>\s*<Property Name="isSearchable" Type="Edm.Boolean"\/>\s*<Property Name="labels" Type="Collection\(microsoft.graph.externalConnectors.label\)"\/>\s*<Property Name="name" Type="Edm.String" Nullable="false"\/>\s*<Property Name="type" Type="microsoft.graph.externalConnectors.propertyType" Nullable="false"\/>\s*<\/ComplexType>/,
    );
    expect(xml).toMatch(
      /<EnumType Name="propertyType">\s*<Member Name="string" Value="0"\/>\s*<Member Name="int64" Value="1"\/>\s*<Member Name="double" Value="2"\/>\s*<Member Name="dateTime" Value="3"\/>\s*<Member Name="boolean" Value="4"\/>\s*<Member Name="stringCollection" Value="5"\/>\s*<Member Name="int64Collection" Value="6"\/>\s*<Member Name="doubleCollection" Value="7"\/>\s*<Member Name="dateTimeCollection" Value="8"\/>\s*<Member Name="unknownFutureValue" Value="9"\/>\s*<\/EnumType>/,
    );
    expect(xml).toMatch(
      /<EnumType Name="label">\s*<Member Name="title" Value="0"\/>\s*<Member Name="url" Value="1"\/>\s*<Member Name="createdBy" Value="2"\/>\s*<Member Name="lastModifiedBy" Value="3"\/>\s*<Member Name="authors" Value="4"\/>\s*<Member Name="createdDateTime" Value="5"\/>\s*<Member Name="lastModifiedDateTime" Value="6"\/>\s*<Member Name="fileName" Value="7"\/>\s*<Member Name="fileExtension" Value="8"\/>\s*<Member Name="unknownFutureValue" Value="12"\/>\s*<Member Name="containerName" Value="13"\/>\s*<Member Name="containerUrl" Value="14"\/>\s*<Member Name="iconUrl" Value="15"\/>\s*<\/EnumType>/,
    );
    const stack: string[] = [];
    for (const [, close, name, selfClosing] of xml.matchAll(/<(\/?)([A-Za-z:]+)[^>]*?(\/?)>/g)) {
      if (close) expect(stack.pop()).toBe(name);
      else if (!selfClosing) stack.push(name ?? '');
    }
    expect(stack).toEqual([]);
  });
});
