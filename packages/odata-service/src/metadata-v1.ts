/**
 * `$metadata` of the v1.0 mode: the CSDL 4.0 XML document of Microsoft Graph v1.0
 * (`schemas/v1.0-Prod.csdl` of microsoftgraph/msgraph-metadata), cut down to the types this service serves,
 * with Graph's names, namespaces, alias, property order and member values:
 * - `connectionOperation`, `connectionOperationStatus` (with `unknownFutureValue` = 4), `externalConnection`
 *   (`name`, `description`, `state`), `connectionState` and `external` live in `microsoft.graph.externalConnectors`;
 * - `connectionOperation.error` is `graph.publicError` {code, details: [publicErrorDetail], innerError, message,
 *   target}; there is no errorDetail or innerErrorDetail;
 * - the key `id` comes from the base type `graph.entity`;
 * - the operations are reachable as `external/connections/{id}/operations` (contained navigation properties
 *   under the `external` singleton). Graph's container also has a `connections` entity set, which this
 *   service does not declare: it serves only the `external/...` paths;
 * - a connection's `schema` (contained, single-valued) is the entity type `schema` {baseType, properties:
 *   [property]}, with the enums `propertyType` and `label`. Two differences from Graph's v1.0 file: `property`
 *   also has `isExactMatchRequired` (beta's, which the contract serves in both modes), and `label` also has
 *   beta's `containerName` = 13 and `containerUrl` = 14 (v1.0's has only `iconUrl` = 15 after the sentinel).
 *
 * As in metadata.ts, `external` gets a key (`id`) so that the document stays valid CSDL 4.0; Graph's has none.
 */
import { enumMembers, schemaPropertyType } from './metadata.js';
import { CONNECTION_STATE_MEMBERS, EXTERNAL_NAMESPACE, LABEL_MEMBERS, NAMESPACE, PROPERTY_TYPE_MEMBERS, STATUS_MEMBERS } from './model.js';

export function metadataV1Xml(): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="${NAMESPACE}" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="entity" Abstract="true">
        <Key>
          <PropertyRef Name="id"/>
        </Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
      </EntityType>
      <ComplexType Name="publicError">
        <Property Name="code" Type="Edm.String"/>
        <Property Name="details" Type="Collection(graph.publicErrorDetail)"/>
        <Property Name="innerError" Type="graph.publicInnerError"/>
        <Property Name="message" Type="Edm.String"/>
        <Property Name="target" Type="Edm.String"/>
      </ComplexType>
      <ComplexType Name="publicErrorDetail">
        <Property Name="code" Type="Edm.String"/>
        <Property Name="message" Type="Edm.String"/>
        <Property Name="target" Type="Edm.String"/>
      </ComplexType>
      <ComplexType Name="publicInnerError">
        <Property Name="code" Type="Edm.String"/>
        <Property Name="details" Type="Collection(graph.publicErrorDetail)"/>
        <Property Name="message" Type="Edm.String"/>
        <Property Name="target" Type="Edm.String"/>
      </ComplexType>
      <EntityContainer Name="GraphService">
        <Singleton Name="external" Type="${EXTERNAL_NAMESPACE}.external"/>
      </EntityContainer>
    </Schema>
    <Schema Namespace="${EXTERNAL_NAMESPACE}" xmlns="http://docs.oasis-open.org/odata/ns/edm">
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
${schemaPropertyType(EXTERNAL_NAMESPACE)}
      <EntityType Name="connectionOperation" BaseType="graph.entity">
        <Property Name="error" Type="graph.publicError"/>
        <Property Name="status" Type="${EXTERNAL_NAMESPACE}.connectionOperationStatus"/>
      </EntityType>
      <EntityType Name="external">
        <Key>
          <PropertyRef Name="id"/>
        </Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <NavigationProperty Name="connections" Type="Collection(${EXTERNAL_NAMESPACE}.externalConnection)" ContainsTarget="true"/>
      </EntityType>
      <EntityType Name="externalConnection" BaseType="graph.entity">
        <Property Name="description" Type="Edm.String"/>
        <Property Name="name" Type="Edm.String"/>
        <Property Name="state" Type="${EXTERNAL_NAMESPACE}.connectionState"/>
        <NavigationProperty Name="operations" Type="Collection(${EXTERNAL_NAMESPACE}.connectionOperation)" ContainsTarget="true"/>
        <NavigationProperty Name="schema" Type="${EXTERNAL_NAMESPACE}.schema" ContainsTarget="true"/>
      </EntityType>
      <EntityType Name="schema" BaseType="graph.entity">
        <Property Name="baseType" Type="Edm.String" Nullable="false"/>
        <Property Name="properties" Type="Collection(${EXTERNAL_NAMESPACE}.property)"/>
      </EntityType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
`;
}
