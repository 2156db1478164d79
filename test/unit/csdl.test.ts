/**
 * The CSDL reader: the elements it keeps, aliases, both schema layouts, and hostile documents answered
 * with a problem (never an exception, never a long scan).
 */
import { describe, expect, it } from 'vitest';
import { readCsdl, resolveType } from '../../src/odata/csdl.js';

const EDMX = (schemas: string) =>
  `<?xml version="1.0"?><edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>${schemas}</edmx:DataServices></edmx:Edmx>`;

function model(xml: string) {
  const result = readCsdl(xml);
  if (!result.ok) throw new Error(result.problem);
  return result.model;
}

function problem(xml: string, limits?: Parameters<typeof readCsdl>[1]): string {
  const result = readCsdl(xml, limits);
  if (result.ok) throw new Error('expected a problem');
  return result.problem;
}

describe('readCsdl', () => {
  it('keeps types, properties, navigation properties, keys, base types and enum members, and skips everything else', () => {
    const m = model(
      EDMX(`<Schema Namespace="ns" Alias="n" xmlns="http://docs.oasis-open.org/odata/ns/edm">
        <!-- <EntityType Name="commented"/> -->
        <EntityType Name="thing" BaseType="n.base"><Key><PropertyRef Name="k"/></Key>
          <Property Name="k" Type="Edm.String" Nullable="false"/><NavigationProperty Name="nav" Type="n.other"/>
          <Annotation Term="x"><Record><PropertyValue Property="Name" String="not a property"/></Record></Annotation>
        </EntityType>
        <ComplexType Name="c"><Property Name='quoted' Type='Edm.Int32'/></ComplexType>
        <EnumType Name="e" IsFlags="true"><Member Name="a" Value="1"/><Member Name="b"/></EnumType>
        <Action Name="act"><Parameter Name="p" Type="Edm.String"/></Action>
      </Schema>`),
    );
    expect(m.namespaces).toEqual(['ns']);
    expect(m.aliases.get('n')).toBe('ns');
    expect(m.structuredTypes.get('ns.thing')).toEqual({
      kind: 'entity',
      namespace: 'ns',
      name: 'thing',
      baseType: 'n.base',
      key: ['k'],
      properties: [{ name: 'k', type: 'Edm.String' }],
      navigationProperties: [{ name: 'nav', type: 'n.other' }],
    });
    expect(m.structuredTypes.get('ns.c')).toMatchObject({ properties: [{ name: 'quoted', type: 'Edm.Int32' }], navigationProperties: [] });
    expect(m.enumTypes.get('ns.e')).toEqual({ namespace: 'ns', name: 'e', isFlags: true, members: [{ name: 'a', value: '1' }, { name: 'b', value: undefined }] });
    expect(m.structuredTypes.has('ns.commented')).toBe(false);
  });

  it('reads a bare Schema document and prefixed element names alike, and decodes character references', () => {
    const bare = model(`<Schema Namespace="a.b" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EnumType Name="e"><Member Name="x&amp;y&#65;&#x42;&bogus;" /></EnumType></Schema>`);
    expect(bare.enumTypes.get('a.b.e')?.members[0]?.name).toBe('x&yAB&bogus;');
    const prefixed = model(EDMX(`<edm:Schema xmlns:edm="http://docs.oasis-open.org/odata/ns/edm" Namespace="p"><edm:ComplexType Name="c"><edm:Property Name="x" Type="Edm.String"/></edm:ComplexType></edm:Schema>`));
    expect(prefixed.structuredTypes.get('p.c')?.properties).toEqual([{ name: 'x', type: 'Edm.String' }]);
  });

  it('resolves Collection(...) and aliases from Schema and edmx:Include', () => {
    const m = model(
      `<edmx:Edmx xmlns:edmx="e"><edmx:Reference Uri="x"><edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/></edmx:Reference><edmx:DataServices><Schema Namespace="microsoft.graph" Alias="graph"/></edmx:DataServices></edmx:Edmx>`,
    );
    expect(resolveType(m, 'Collection(graph.publicErrorDetail)')).toEqual({ name: 'microsoft.graph.publicErrorDetail', collection: true });
    expect(resolveType(m, 'Core.Description')).toEqual({ name: 'Org.OData.Core.V1.Description', collection: false });
    expect(resolveType(m, 'Edm.String')).toEqual({ name: 'Edm.String', collection: false });
  });

  it.each([
    ['', 'no XML element'],
    ['just text', 'no XML element'],
    ['<a><b></a>', 'does not close'],
    ['<a>', 'ends inside <a>'],
    ['<a x="1></a>', 'ends inside an attribute'],
    ['<a x=1></a>', 'unquoted attribute'],
    ['<a/><b/>', 'more than one root'],
    ['<a><!-- never closed', 'ends inside a comment'],
    ['<<<<<<', 'malformed tag'],
    ['<!DOCTYPE a [<!ENTITY x "xx">]><a>&x;</a>', 'DOCTYPE'],
  ])('answers %j with a problem', (xml, expected) => {
    expect(problem(xml)).toContain(expected);
  });

  it('refuses a document over the size cap without reading it', () => {
    expect(problem('<a/>'.padEnd(2000, ' '), { maxChars: 1000 })).toBe('the document is longer than 1000 characters');
  });

  it('refuses nesting deeper than the cap (no recursion, so no stack overflow either)', () => {
    const deep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
    expect(problem(deep)).toContain('nested deeper than 64 levels');
    expect(problem('<a>'.repeat(10) + '</a>'.repeat(10), { maxDepth: 5 })).toContain('deeper than 5');
  });

  it('scans pathological input in linear time', () => {
    const cases = [
      `<a x="${'&amp;'.repeat(200_000)}${'&'.repeat(200_000)}"/>`,
      `<a ${'b="c" '.repeat(200_000)}/>`,
      `<a>${'<!-- -->'.repeat(200_000)}</a>`,
      `<a>${'<b/>'.repeat(300_000)}</a>`,
      `<a x='${'<'.repeat(2_000_000)}'/>`,
    ];
    for (const xml of cases) {
      const started = performance.now();
      readCsdl(xml);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });
});
