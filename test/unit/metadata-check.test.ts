/**
 * The `$metadata` drift check on excerpts of the real CSDL (test/fixtures/csdl), the embedded service's
 * own document, drifted copies (each answered with exactly its drift findings) and hostile documents.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkMetadataText, formatReport, type MetadataReport } from '../../src/odata/metadata-check.js';
import { metadataXml } from '../../src/upstream/metadata.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/csdl/${name}`, import.meta.url), 'utf8');

function report(xml: string): MetadataReport {
  const result = checkMetadataText(xml);
  if (!result.readable) throw new Error(result.problem);
  return result.report;
}

const drift = (r: MetadataReport) => r.findings.filter((f) => f.level === 'drift').map((f) => [f.code, f.subject]);
const info = (r: MetadataReport) => r.findings.filter((f) => f.level === 'info').map((f) => [f.code, f.subject]);

describe('the $metadata drift check', () => {
  it.each([
    ['v1.0.xml', []],
    // Beta still declares the old microsoft.graph.connectionOperation (status of an old enum without
    // unknownFutureValue) next to the externalConnectors one, and an unrelated microsoft.graph.errorDetail.
    ['beta.xml', [['operation-other', 'microsoft.graph.connectionOperation']]],
  ])('%s (today): the externalConnectors connectionOperation, publicError, fine, the rest reported as ignored', (name, others) => {
    const r = report(fixture(name));
    expect(r.verdict).toBe('fine');
    expect(r.errorShape).toBe('publicError');
    expect(drift(r)).toEqual([]);
    expect(info(r)).toEqual([...others, ['property-extra', 'publicError.innerError']]);
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

  it('the 2019-2020 beta: errorDetail, fine, no unknownFutureValue noted as info', () => {
    const r = report(fixture('beta-2020.xml'));
    expect(r.verdict).toBe('fine');
    expect(r.errorShape).toBe('errorDetail');
    expect(info(r)).toEqual([['status-no-unknown-future-value', 'connectionOperationStatus.unknownFutureValue']]);
    expect(r.operation?.type).toBe('microsoft.graph.connectionOperation');
  });

  it("the embedded service's own $metadata: errorDetail, fine, nothing to note", () => {
    const r = report(metadataXml());
    expect(r).toMatchObject({ verdict: 'fine', errorShape: 'errorDetail', findings: [] });
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
    expect(drift(report(v1.replace('<Property Name="id" Type="Edm.String" Nullable="false" />', '<Property Name="id" Type="Edm.Guid" Nullable="false" />')))).toEqual([
      ['property-type', 'connectionOperation.id'],
    ]);
    expect(drift(report(v1.replace('<PropertyRef Name="id" />', '<PropertyRef Name="key" />')))).toEqual([['key-changed', 'connectionOperation']]);
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

  it('stops at a base type cycle', () => {
    const cyclic = fixture('v1.0.xml').replace('<EntityType Name="entity" Abstract="true">', '<EntityType Name="entity" Abstract="true" BaseType="graph.entity">');
    expect(drift(report(cyclic))).toEqual([['base-type-unresolved', 'connectionOperation']]);
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

  it('formats a report a person can read', () => {
    const text = formatReport(report(fixture('v1.0-drift-missing-member.xml')));
    expect(text.split('\n')).toEqual([
      'upstream $metadata: DRIFT (differs from what the gateway maps)',
      '  error shape: publicError',
      '  microsoft.graph.externalConnectors.connectionOperation (key id): id: Edm.String, error: graph.publicError, status: microsoft.graph.externalConnectors.connectionOperationStatus',
      '  microsoft.graph.externalConnectors.connectionOperationStatus: unspecified=0, inprogress=1, completed=2, unknownFutureValue=4',
      '  microsoft.graph.publicError: code: Edm.String, details: Collection(graph.publicErrorDetail), innerError: graph.publicInnerError, message: Edm.String, target: Edm.String',
      '  DRIFT connectionOperationStatus has no member failed',
      '  info  publicError.innerError (graph.publicInnerError) is not mapped; ignored',
    ]);
  });
});
