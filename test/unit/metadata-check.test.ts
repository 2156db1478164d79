/**
 * The `$metadata` drift check on excerpts of the real CSDL (test/fixtures/csdl), the embedded service's
 * own document, drifted copies (each answered with exactly its drift findings) and hostile documents:
 * connectionOperation with its status enum and error type, and externalConnection with its state enum and
 * its operations navigation property.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkMetadataText, formatReport, type MetadataReport } from '../../src/odata/metadata-check.js';
import { metadataXml } from '@odata-gateway/odata-service';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/csdl/${name}`, import.meta.url), 'utf8');

function report(xml: string): MetadataReport {
  const result = checkMetadataText(xml);
  if (!result.readable) throw new Error(result.problem);
  return result.report;
}

const drift = (r: MetadataReport) => r.findings.filter((f) => f.level === 'drift').map((f) => [f.code, f.subject]);
const info = (r: MetadataReport) => r.findings.filter((f) => f.level === 'info').map((f) => [f.code, f.subject]);

describe('the $metadata drift check', () => {
  const extras = (...names: string[]) => names.map((n) => ['property-extra', `externalConnection.${n}`]);

  it.each([
    ['v1.0.xml', [['property-extra', 'publicError.innerError'], ...extras('activitySettings', 'configuration', 'connectorId', 'searchSettings')]],
    // Beta still declares old copies of connectionOperation (its status an old enum without unknownFutureValue)
    // and externalConnection in microsoft.graph next to the externalConnectors ones, and an unrelated errorDetail.
    [
      'beta.xml',
      [
        ['operation-other', 'microsoft.graph.connectionOperation'],
        ['property-extra', 'publicError.innerError'],
        ['connection-other', 'microsoft.graph.externalConnection'],
        ...extras('activitySettings', 'complianceSettings', 'configuration', 'connectorId', 'contentCategory', 'enabledContentExperiences', 'ingestedItemsCount', 'searchSettings'),
      ],
    ],
  ])('%s (today): the externalConnectors types, publicError, fine, the rest reported as ignored', (name, expectedInfo) => {
    const r = report(fixture(name));
    expect(r.verdict).toBe('fine');
    expect(r.errorShape).toBe('publicError');
    expect(drift(r)).toEqual([]);
    expect(info(r)).toEqual(expectedInfo);
    expect(r.operation).toEqual({
      type: 'microsoft.graph.externalConnectors.connectionOperation',
      key: ['id'],
      properties: [
        { name: 'id', type: 'Edm.String' },
        { name: 'error', type: 'graph.publicError' },
        { name: 'status', type: 'microsoft.graph.externalConnectors.connectionOperationStatus' },
      ],
    });
    expect(r.status?.members).toEqual([
      { name: 'unspecified', value: '0' },
      { name: 'inprogress', value: '1' },
      { name: 'completed', value: '2' },
      { name: 'failed', value: '3' },
      { name: 'unknownFutureValue', value: '4' },
    ]);
    expect(r.error?.type).toBe('microsoft.graph.publicError');
    expect(r.error?.properties.map((p) => p.name)).toEqual(['code', 'details', 'innerError', 'message', 'target']);
    // Beta's microsoft.graph.errorDetail (errorMessage, resourceInstanceName, resourceType) belongs to another API.
    expect(JSON.stringify(r)).not.toContain('errorDetail');
    expect(r.connection).toMatchObject({ type: 'microsoft.graph.externalConnectors.externalConnection', key: ['id'] });
    expect(r.connection?.properties).toEqual(
      expect.arrayContaining([
        { name: 'id', type: 'Edm.String' },
        { name: 'name', type: 'Edm.String' },
        { name: 'description', type: 'Edm.String' },
        { name: 'state', type: 'microsoft.graph.externalConnectors.connectionState' },
      ]),
    );
    expect(r.connection?.navigationProperties).toContainEqual({ name: 'operations', type: 'Collection(microsoft.graph.externalConnectors.connectionOperation)' });
    expect(r.connectionState).toEqual({
      type: 'microsoft.graph.externalConnectors.connectionState',
      members: [
        { name: 'draft', value: '1' },
        { name: 'ready', value: '2' },
        { name: 'obsolete', value: '3' },
        { name: 'limitExceeded', value: '4' },
        { name: 'unknownFutureValue', value: '5' },
      ],
    });
  });

  /** The drifted copies: v1.0.xml's text after its header comment with one change each. */
  const V1_CHANGES: ReadonlyArray<[name: string, from: string, to: string]> = [
    ['v1.0-new-member.xml', '<Member Name="unknownFutureValue" Value="4" />\n', '<Member Name="unknownFutureValue" Value="4" />\n        <Member Name="cancelled" Value="5" />\n'],
    ['v1.0-drift-renamed-status.xml', '<Property Name="status" Type="microsoft.graph.externalConnectors.connectionOperationStatus" />', '<Property Name="state" Type="microsoft.graph.externalConnectors.connectionOperationStatus" />'],
    ['v1.0-drift-missing-member.xml', '        <Member Name="failed" Value="3" />\n', ''],
    ['v1.0-drift-error-type.xml', '<Property Name="error" Type="graph.publicError" />', '<Property Name="error" Type="graph.resultInfo" />'],
    [
      'v1.0-drift-error-properties.xml',
      '<ComplexType Name="publicError">\n        <Property Name="code" Type="Edm.String" />\n        <Property Name="details" Type="Collection(graph.publicErrorDetail)" />\n        <Property Name="innerError" Type="graph.publicInnerError" />\n        <Property Name="message" Type="Edm.String" />\n        <Property Name="target" Type="Edm.String" />\n',
      '<ComplexType Name="publicError">\n        <Property Name="code" Type="Edm.Int32" />\n        <Property Name="details" Type="Collection(graph.publicErrorDetail)" />\n        <Property Name="innerError" Type="graph.publicInnerError" />\n        <Property Name="message" Type="Edm.String" />\n',
    ],
    ['v1.0-drift-connection-state-member.xml', '        <Member Name="limitExceeded" Value="4" />\n', ''],
    ['v1.0-drift-connection-state-type.xml', '<Property Name="state" Type="microsoft.graph.externalConnectors.connectionState" />', '<Property Name="state" Type="Edm.String" />'],
    ['v1.0-drift-connection-name.xml', '        <Property Name="name" Type="Edm.String" />\n', ''],
    ['v1.0-drift-connection-operations.xml', '        <NavigationProperty Name="operations" Type="Collection(microsoft.graph.externalConnectors.connectionOperation)" ContainsTarget="true" />\n', ''],
  ];
  const afterHeader = (xml: string) => xml.slice(xml.indexOf('-->\n') + 4);

  it.each(V1_CHANGES)('%s is v1.0.xml with exactly its one change', (name, from, to) => {
    const v1 = afterHeader(fixture('v1.0.xml'));
    expect(v1.split(from)).toHaveLength(2);
    expect(afterHeader(fixture(name))).toBe(v1.replace(from, to));
  });

  it('every copy of v1.0.xml is listed with its change', () => {
    const copies = readdirSync(new URL('../fixtures/csdl/', import.meta.url)).filter((f) => f.startsWith('v1.0-'));
    expect(copies.sort()).toEqual(V1_CHANGES.map(([name]) => name).sort());
  });

  it('the 2019-2020 beta: errorDetail, fine; no unknownFutureValue and no externalConnection noted as info', () => {
    const r = report(fixture('beta-2020.xml'));
    expect(r.verdict).toBe('fine');
    expect(r.errorShape).toBe('errorDetail');
    expect(info(r)).toEqual([
      ['status-no-unknown-future-value', 'connectionOperationStatus.unknownFutureValue'],
      ['connection-missing', 'externalConnection'],
    ]);
    expect(r.findings.at(-1)?.message).toContain('cannot be served');
    expect(r.operation?.type).toBe('microsoft.graph.connectionOperation');
    expect(r).toMatchObject({ connection: undefined, connectionState: undefined });
  });

  it("the embedded service's own $metadata: errorDetail, fine, nothing to note", () => {
    const r = report(metadataXml());
    expect(r).toMatchObject({ verdict: 'fine', errorShape: 'errorDetail', findings: [] });
    expect(r.connection?.type).toBe('microsoft.graph.externalConnection');
    expect(r.connectionState?.type).toBe('microsoft.graph.connectionState');
  });

  it('a member added after unknownFutureValue is info (it reads as UNKNOWN_FUTURE_VALUE), not drift', () => {
    const r = report(fixture('v1.0-new-member.xml'));
    expect(r.verdict).toBe('fine');
    expect(info(r)).toContainEqual(['status-member-extra', 'connectionOperationStatus.cancelled']);
  });

  it.each([
    ['v1.0-drift-renamed-status.xml', [['property-missing', 'connectionOperation.status']], [['property-extra', 'connectionOperation.state']], 'publicError'],
    ['v1.0-drift-missing-member.xml', [['status-member-missing', 'connectionOperationStatus.failed']], [], 'publicError'],
    ['v1.0-drift-error-type.xml', [['error-type-unknown', 'connectionOperation.error']], [], undefined],
    [
      'v1.0-drift-error-properties.xml',
      [
        ['property-type', 'publicError.code'],
        ['property-missing', 'publicError.target'],
      ],
      [['property-extra', 'publicError.innerError']],
      'publicError',
    ],
    ['v1.0-drift-connection-state-member.xml', [['state-member-missing', 'connectionState.limitExceeded']], [], 'publicError'],
    ['v1.0-drift-connection-state-type.xml', [['state-type', 'externalConnection.state']], [], 'publicError'],
    ['v1.0-drift-connection-name.xml', [['property-missing', 'externalConnection.name']], [], 'publicError'],
    ['v1.0-drift-connection-operations.xml', [['navigation-missing', 'externalConnection.operations']], [], 'publicError'],
  ])('%s: exactly its drift', (name, expectedDrift, expectedInfo, shape) => {
    const r = report(fixture(name));
    expect(r.verdict).toBe('drift');
    expect(drift(r)).toEqual(expectedDrift);
    expect(info(r)).toEqual(expect.arrayContaining(expectedInfo));
    expect(r.errorShape).toBe(shape);
  });

  it('no connectionOperation at all is drift', () => {
    const r = report(fixture('v1.0.xml').replaceAll('Name="connectionOperation"', 'Name="connectionOp"'));
    expect(drift(r)).toEqual([['operation-missing', 'connectionOperation']]);
  });

  it('an id of another type, another key, a flags enum, a status of another type, an error type declared nowhere', () => {
    const v1 = fixture('v1.0.xml');
    // graph.entity holds the key of connectionOperation and externalConnection alike.
    expect(drift(report(v1.replace('<Property Name="id" Type="Edm.String" Nullable="false" />', '<Property Name="id" Type="Edm.Guid" Nullable="false" />')))).toEqual([
      ['property-type', 'connectionOperation.id'],
      ['property-type', 'externalConnection.id'],
    ]);
    expect(drift(report(v1.replace('<PropertyRef Name="id" />', '<PropertyRef Name="key" />')))).toEqual([
      ['key-changed', 'connectionOperation'],
      ['key-changed', 'externalConnection'],
    ]);
    expect(drift(report(v1.replace('<EnumType Name="connectionOperationStatus">', '<EnumType Name="connectionOperationStatus" IsFlags="true">')))).toEqual([
      ['status-flags', 'connectionOperationStatus'],
    ]);
    expect(drift(report(v1.replace('microsoft.graph.externalConnectors.connectionOperationStatus" />', 'Edm.String" />')))).toEqual([
      ['status-type', 'connectionOperation.status'],
    ]);
    const undeclared = report(v1.replace('<ComplexType Name="publicError">', '<ComplexType Name="publicErrorV2">'));
    expect(drift(undeclared)).toEqual([['error-type-unknown', 'connectionOperation.error']]);
    expect(undeclared.findings[0]?.message).toContain('declared nowhere');
    expect(drift(report(v1.replace('BaseType="graph.entity">\n        <Property Name="error"', 'BaseType="graph.missing">\n        <Property Name="error"')))).toEqual([
      ['base-type-unresolved', 'connectionOperation'],
      ['property-missing', 'connectionOperation.id'],
    ]);
  });

  it('externalConnection: another key, a description of another type, no state, a flags or grown state enum, operations of another type', () => {
    const v1 = fixture('v1.0.xml');
    const connection = '<EntityType Name="externalConnection" BaseType="graph.entity">';
    expect(drift(report(v1.replace(connection, '<EntityType Name="externalConnection">\n        <Key>\n          <PropertyRef Name="name" />\n        </Key>')))).toEqual([
      ['property-missing', 'externalConnection.id'],
      ['key-changed', 'externalConnection'],
    ]);
    expect(drift(report(v1.replace(connection, '<EntityType Name="externalConnection" BaseType="graph.gone">')))).toEqual([
      ['base-type-unresolved', 'externalConnection'],
      ['property-missing', 'externalConnection.id'],
    ]);
    expect(drift(report(v1.replace('<Property Name="description" Type="Edm.String" />', '<Property Name="description" Type="Collection(Edm.String)" />')))).toEqual([
      ['property-type', 'externalConnection.description'],
    ]);
    const noState = report(v1.replace('<Property Name="state" Type="microsoft.graph.externalConnectors.connectionState" />', ''));
    expect(drift(noState)).toEqual([['property-missing', 'externalConnection.state']]);
    expect(noState.connectionState).toBeUndefined();
    expect(drift(report(v1.replace('<EnumType Name="connectionState">', '<EnumType Name="connectionState" IsFlags="true">')))).toEqual([['state-flags', 'connectionState']]);
    // A member after unknownFutureValue reads as UNKNOWN_FUTURE_VALUE: info. Without unknownFutureValue: drift.
    const grown = report(v1.replace('<Member Name="unknownFutureValue" Value="5" />', '<Member Name="unknownFutureValue" Value="5" />\n        <Member Name="paused" Value="6" />'));
    expect(grown.verdict).toBe('fine');
    expect(info(grown)).toContainEqual(['state-member-extra', 'connectionState.paused']);
    expect(drift(report(v1.replace('<Member Name="unknownFutureValue" Value="5" />', '')))).toEqual([['state-member-missing', 'connectionState.unknownFutureValue']]);
    const operations = 'Type="Collection(microsoft.graph.externalConnectors.connectionOperation)" ContainsTarget';
    const navigation = `        <NavigationProperty Name="operations" ${operations}="true" />\n`;
    const inherited = report(v1.replace(navigation, '').replace('<Property Name="id" Type="Edm.String" Nullable="false" />\n', `<Property Name="id" Type="Edm.String" Nullable="false" />\n${navigation}`));
    expect(inherited.connection?.navigationProperties[0]?.name).toBe('operations');
    expect(drift(inherited)).toEqual([]);
    expect(drift(report(v1.replace(operations, 'Type="microsoft.graph.externalConnectors.connectionOperation" ContainsTarget')))).toEqual([
      ['navigation-type', 'externalConnection.operations'],
    ]);
    const other = report(v1.replace(operations, 'Type="Collection(graph.connectionOperation)" ContainsTarget'));
    expect(drift(other)).toEqual([['navigation-type', 'externalConnection.operations']]);
    expect(other.findings.find((f) => f.code === 'navigation-type')?.message).toBe(
      'externalConnection.operations is Collection(graph.connectionOperation), expected Collection(microsoft.graph.externalConnectors.connectionOperation)',
    );
  });

  it("checks the externalConnection of externalConnectors when an old one is declared, and beta's old one on its own", () => {
    // The old copies of beta on their own (microsoft.graph.externalConnectors removed): the old connection leads
    // to the old connectionOperation, its state to the old connectionState; the old status enum has no
    // unknownFutureValue.
    const beta = fixture('beta.xml');
    const withoutExternalConnectors = beta.replace(/<Schema Namespace="microsoft\.graph\.externalConnectors"[\s\S]*?<\/Schema>/, '');
    expect(withoutExternalConnectors).not.toContain('microsoft.graph.externalConnectors.connectionOperation"');
    const r = report(withoutExternalConnectors);
    expect(r.verdict).toBe('fine');
    expect(r.operation?.type).toBe('microsoft.graph.connectionOperation');
    expect(r.connection?.type).toBe('microsoft.graph.externalConnection');
    expect(r.connectionState?.type).toBe('microsoft.graph.connectionState');
    expect(info(r)).toEqual([
      ['status-no-unknown-future-value', 'connectionOperationStatus.unknownFutureValue'],
      ['property-extra', 'publicError.innerError'],
      ['property-extra', 'externalConnection.configuration'],
    ]);
  });

  it('stops at a base type cycle', () => {
    const cyclic = fixture('v1.0.xml').replace('<EntityType Name="entity" Abstract="true">', '<EntityType Name="entity" Abstract="true" BaseType="graph.entity">');
    expect(drift(report(cyclic))).toEqual([
      ['base-type-unresolved', 'connectionOperation'],
      ['base-type-unresolved', 'externalConnection'],
    ]);
  });

  it('reads the connectionOperation of externalConnectors when an old one is also declared', () => {
    const both = fixture('v1.0.xml').replace(
      '<EntityType Name="entity" Abstract="true">',
      '<EntityType Name="connectionOperation" BaseType="graph.entity"><Property Name="status" Type="Edm.Int32"/></EntityType>\n      <EntityType Name="entity" Abstract="true">',
    );
    const r = report(both);
    expect(r.verdict).toBe('fine');
    expect(info(r)).toContainEqual(['operation-other', 'microsoft.graph.connectionOperation']);
  });

  it('answers unreadable documents with a problem, and bounds what a hostile one can put in the report', () => {
    expect(checkMetadataText('<html><body>Sign in</body>')).toEqual({ readable: false, problem: 'not well-formed XML: the document ends inside <html>' });
    expect(checkMetadataText('<html><body>Sign in</body></html>')).toEqual({ readable: false, problem: 'not a CSDL document: it has no Schema' });
    expect(checkMetadataText('{"error":{"code":"x"}}')).toEqual({ readable: false, problem: 'not well-formed XML: no XML element' });
    const longName = 'x'.repeat(10_000);
    const hostile = fixture('v1.0.xml').replace(
      '<Member Name="unknownFutureValue" Value="4" />',
      `<Member Name="unknownFutureValue" Value="4" />${Array.from({ length: 5000 }, (_, i) => `<Member Name="${longName}${i}&#10;forged" Value="${i}"/>`).join('')}`,
    );
    const r = report(hostile);
    expect(r.verdict).toBe('fine');
    const text = formatReport(r);
    expect(text.length).toBeLessThan(20_000);
    expect(text).not.toContain('\nforged');
  });

  it('bounds what a hostile externalConnection can put in the report', () => {
    const longName = 'y'.repeat(2_000);
    const many = (element: string, count: number) => Array.from({ length: count }, (_, i) => element.replaceAll('#', `${longName}${i}&#10;forged`)).join('');
    const hostile = fixture('v1.0.xml')
      .replace('<Member Name="unknownFutureValue" Value="5" />', `<Member Name="unknownFutureValue" Value="5" />${many('<Member Name="#" Value="9"/>', 300)}`)
      .replace(
        '<Property Name="state" Type="microsoft.graph.externalConnectors.connectionState" />',
        `<Property Name="state" Type="microsoft.graph.externalConnectors.connectionState" />${many('<Property Name="#" Type="#"/>', 300)}${many('<NavigationProperty Name="#" Type="#"/>', 300)}`,
      )
      .replace('</edmx:DataServices>', `${many('<Schema Namespace="#"><EntityType Name="externalConnection"/></Schema>', 300)}</edmx:DataServices>`);
    const r = report(hostile);
    expect(r.verdict).toBe('fine');
    expect(r.connection?.type).toBe('microsoft.graph.externalConnectors.externalConnection');
    expect(r.connection?.properties).toHaveLength(50);
    expect(r.connection?.navigationProperties).toHaveLength(50);
    expect(r.connectionState?.members).toHaveLength(50);
    expect(r.findings.filter((f) => f.code === 'connection-other')).toHaveLength(50);
    expect(r.findings.length).toBeLessThanOrEqual(200);
    const text = formatReport(r);
    expect(text.length).toBeLessThan(60_000);
    expect(text).not.toContain('\nforged');
    expect(text).not.toContain('y'.repeat(100));

    // The types found, in a namespace of a hostile name.
    const renamed = report(fixture('v1.0.xml').replace('Namespace="microsoft.graph.externalConnectors"', `Namespace="${longName}&#10;forged"`));
    expect(renamed.connection?.type).toMatch(/^y{80}…$/);
    expect(renamed.connectionState).toBeUndefined();
    expect(formatReport(renamed)).not.toContain('\nforged');
    expect(formatReport(renamed).length).toBeLessThan(5_000);
  });

  it('formats a report a person can read', () => {
    const text = formatReport(report(fixture('v1.0-drift-missing-member.xml')));
    expect(text.split('\n')).toEqual([
      'upstream $metadata: DRIFT (differs from what the gateway maps)',
      '  error shape: publicError',
      '  microsoft.graph.externalConnectors.connectionOperation (key id): id: Edm.String, error: graph.publicError, status: microsoft.graph.externalConnectors.connectionOperationStatus',
      '  microsoft.graph.externalConnectors.connectionOperationStatus: unspecified=0, inprogress=1, completed=2, unknownFutureValue=4',
      '  microsoft.graph.publicError: code: Edm.String, details: Collection(graph.publicErrorDetail), innerError: graph.publicInnerError, message: Edm.String, target: Edm.String',
      '  microsoft.graph.externalConnectors.externalConnection (key id): id: Edm.String, activitySettings: microsoft.graph.externalConnectors.activitySettings, ' +
        'configuration: microsoft.graph.externalConnectors.configuration, connectorId: Edm.String, description: Edm.String, name: Edm.String, ' +
        'searchSettings: microsoft.graph.externalConnectors.searchSettings, state: microsoft.graph.externalConnectors.connectionState; ' +
        'navigation: groups: Collection(microsoft.graph.externalConnectors.externalGroup), items: Collection(microsoft.graph.externalConnectors.externalItem), ' +
        'operations: Collection(microsoft.graph.externalConnectors.connectionOperation), schema: microsoft.graph.externalConnectors.schema',
      '  microsoft.graph.externalConnectors.connectionState: draft=1, ready=2, obsolete=3, limitExceeded=4, unknownFutureValue=5',
      '  DRIFT connectionOperationStatus has no member failed',
      '  info  publicError.innerError (graph.publicInnerError) is not mapped; ignored',
      '  info  externalConnection.activitySettings (microsoft.graph.externalConnectors.activitySettings) is not mapped; ignored',
      '  info  externalConnection.configuration (microsoft.graph.externalConnectors.configuration) is not mapped; ignored',
      '  info  externalConnection.connectorId (Edm.String) is not mapped; ignored',
      '  info  externalConnection.searchSettings (microsoft.graph.externalConnectors.searchSettings) is not mapped; ignored',
    ]);
    const older = formatReport(report(fixture('beta-2020.xml'))).split('\n');
    expect(older.filter((line) => line.includes('externalConnection'))).toEqual([
      '  info  the document has no externalConnection entity type (an older service): the connection fields (externalConnection, externalConnections, ExternalConnection.operations) cannot be served from it',
    ]);
    const noOperations = formatReport(report(fixture('v1.0-drift-connection-operations.xml'))).split('\n');
    expect(noOperations).toContain(
      '  DRIFT externalConnection has no navigation property operations (expected Collection(microsoft.graph.externalConnectors.connectionOperation))',
    );
  });
});
