/**
 * `$metadata`: the CSDL 4.0 XML document describing this service, restricted to the types it serves
 * (names and member values as in Microsoft Graph's own CSDL).
 *
 * `external` is modelled as a singleton of `microsoft.graph.externalConnectors.external` whose
 * `connections` navigation property is bound to the `connections` entity set: that is exactly how
 * this service behaves (both path families address the same data). Graph's real `external` type has no
 * key; here it gets one (`id`) so the document stays valid CSDL 4.0, where entity types need a key.
 *
 * A connection's `schema` (contained, single-valued) is the entity type `schema` {baseType, properties:
 * [property]} with the enums `propertyType` and `label`, in this mode's namespace `microsoft.graph` (where the
 * 2019-2020 beta had the connector types; today's beta keeps old copies there), with the members and values of
 * Graph's CSDL (metadata-v1.ts names the differences from v1.0's file).
 */
import { CONNECTION_STATE_MEMBERS, LABEL_MEMBERS, NAMESPACE, PROPERTY_TYPE_MEMBERS, STATUS_MEMBERS } from './model.js';

const EXTERNAL_NAMESPACE = `${NAMESPACE}.externalConnectors`;

/** `<Member>` lines of an enum type, in value order. */
/** The `property` complex type of a connection's schema, in `namespace` (the same in both modes). */
export function schemaPropertyType(namespace: string): string {
  return `      <ComplexType Name="property">
        <Property Name="aliases" Type="Collection(Edm.String)"/>
        <Property Name="isExactMatchRequired" Type="Edm.Boolean"/>
        <Property Name="isQueryable" Type="Edm.Boolean"/>
        <Property Name="isRefinable" Type="Edm.Boolean"/>
        <Property Name="isRetrievable" Type="Edm.Boolean"/>
        <Property Name="isSearchable" Type="Edm.Boolean"/>
        <Property Name="labels" Type="Collection(${namespace}.label)"/>
        <Property Name="name" Type="Edm.String" Nullable="false"/>
        <Property Name="type" Type="${namespace}.propertyType" Nullable="false"/>
      </ComplexType>`;
}

export function enumMembers(members: Readonly<Record<string, number>>): string {
  return Object.entries(members)
    .map(([name, value]) => `        <Member Name="${name}" Value="${value}"/>`)
    .join('\n');
}

export function metadataXml(): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="${NAMESPACE}" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="connectionOperationStatus">
${enumMembers(STATUS_MEMBERS)}
      </EnumType>
      <EnumType Name="connectionState">
${enumMembers(CONNECTION_STATE_MEMBERS)}
      </EnumType>
      <EnumType Name="label">
${enumMembers(LABEL_MEMBERS)}
      </EnumType>
      <EnumType Name="propertyType">
${enumMembers(PROPERTY_TYPE_MEMBERS)}
      </EnumType>
      <ComplexType Name="errorDetail">
        <Property Name="errorCode" Type="Edm.String"/>
        <Property Name="message" Type="Edm.String"/>
        <Property Name="details" Type="Collection(${NAMESPACE}.innerErrorDetail)"/>
      </ComplexType>
      <ComplexType Name="innerErrorDetail">
        <Property Name="source" Type="Edm.String"/>
        <Property Name="message" Type="Edm.String"/>
      </ComplexType>
${schemaPropertyType(NAMESPACE)}
      <EntityType Name="connectionOperation">
        <Key>
          <PropertyRef Name="id"/>
        </Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="status" Type="${NAMESPACE}.connectionOperationStatus"/>
        <Property Name="error" Type="${NAMESPACE}.errorDetail"/>
      </EntityType>
      <EntityType Name="externalConnection">
        <Key>
          <PropertyRef Name="id"/>
        </Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="name" Type="Edm.String"/>
        <Property Name="description" Type="Edm.String"/>
        <Property Name="state" Type="${NAMESPACE}.connectionState"/>
        <NavigationProperty Name="operations" Type="Collection(${NAMESPACE}.connectionOperation)" ContainsTarget="true"/>
        <NavigationProperty Name="schema" Type="${NAMESPACE}.schema" ContainsTarget="true"/>
      </EntityType>
      <EntityType Name="schema">
        <Key>
          <PropertyRef Name="id"/>
        </Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="baseType" Type="Edm.String" Nullable="false"/>
        <Property Name="properties" Type="Collection(${NAMESPACE}.property)"/>
      </EntityType>
      <EntityContainer Name="GraphService">
        <EntitySet Name="connections" EntityType="${NAMESPACE}.externalConnection"/>
        <Singleton Name="external" Type="${EXTERNAL_NAMESPACE}.external">
          <NavigationPropertyBinding Path="connections" Target="connections"/>
        </Singleton>
      </EntityContainer>
    </Schema>
    <Schema Namespace="${EXTERNAL_NAMESPACE}" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="external">
        <Key>
          <PropertyRef Name="id"/>
        </Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <NavigationProperty Name="connections" Type="Collection(${NAMESPACE}.externalConnection)"/>
      </EntityType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
`;
}
