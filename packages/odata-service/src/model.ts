/**
 * The EDM facts the whole service agrees on (names from Microsoft Graph's CSDL), kept in one place so
 * `$metadata`, `$filter`, `$orderby` and payload validation cannot drift apart.
 */

export const NAMESPACE = 'microsoft.graph';
export const ENUM_TYPE = `${NAMESPACE}.connectionOperationStatus`;
export const OPERATION_TYPE = `${NAMESPACE}.connectionOperation`;
export const ERROR_DETAIL_TYPE = `${NAMESPACE}.errorDetail`;
export const INNER_ERROR_DETAIL_TYPE = `${NAMESPACE}.innerErrorDetail`;
/** v1.0's error types (still in `microsoft.graph`, while the v1.0 connector types moved to `externalConnectors`). */
export const PUBLIC_ERROR_TYPE = `${NAMESPACE}.publicError`;
export const PUBLIC_ERROR_DETAIL_TYPE = `${NAMESPACE}.publicErrorDetail`;
export const PUBLIC_INNER_ERROR_TYPE = `${NAMESPACE}.publicInnerError`;
export const EXTERNAL_NAMESPACE = `${NAMESPACE}.externalConnectors`;
/** v1.0's name of the entity type (the beta pages' `microsoft.graph.connectionOperation` moved there). */
export const V1_OPERATION_TYPE = `${EXTERNAL_NAMESPACE}.connectionOperation`;

/**
 * Which Microsoft Graph the service imitates: `beta` as the 2019-2020 pages describe it (errorDetail, both
 * path families), or `v1.0` as its CSDL is today (publicError, `external/connections` only).
 */
export type ApiVersion = 'beta' | 'v1.0';
export const API_VERSIONS: readonly ApiVersion[] = ['beta', 'v1.0'];

/**
 * Members of `connectionOperationStatus` with their underlying values. The values matter: OData orders
 * enum properties by underlying value, not by name.
 */
export const STATUS_MEMBERS = {
  unspecified: 0,
  inprogress: 1,
  completed: 2,
  failed: 3,
  unknownFutureValue: 4,
} as const satisfies Record<string, number>;

export type StatusMember = keyof typeof STATUS_MEMBERS;

/**
 * `connectionState` of an external connection, with Graph's member values (an evolvable enum too; they start
 * at 1 in both v1.0-Prod.csdl and beta-Prod.csdl, unlike connectionOperationStatus).
 */
export const CONNECTION_STATE_MEMBERS = {
  draft: 1,
  ready: 2,
  obsolete: 3,
  limitExceeded: 4,
  unknownFutureValue: 5,
} as const satisfies Record<string, number>;

export const STATUS_MEMBER_NAMES = Object.keys(STATUS_MEMBERS) as StatusMember[];

export function isStatusMember(value: string): value is StatusMember {
  return Object.prototype.hasOwnProperty.call(STATUS_MEMBERS, value);
}

/** Structural properties of `connectionOperation`, in `$metadata` order. */
export const OPERATION_PROPERTIES = ['id', 'status', 'error'] as const;
export type OperationProperty = (typeof OPERATION_PROPERTIES)[number];

export function isOperationProperty(value: string): value is OperationProperty {
  return (OPERATION_PROPERTIES as readonly string[]).includes(value);
}

/**
 * externalConnectors `propertyType` (the type of a schema property), with Graph's member values (v1.0 and beta
 * CSDL; beta adds `principal` = 10 and `principalCollection` = 11 after the sentinel, which this service does
 * not accept). An evolvable enum: tests store other members directly (`store.putSchema`).
 */
export const PROPERTY_TYPE_MEMBERS = {
  string: 0,
  int64: 1,
  double: 2,
  dateTime: 3,
  boolean: 4,
  stringCollection: 5,
  int64Collection: 6,
  doubleCollection: 7,
  dateTimeCollection: 8,
  unknownFutureValue: 9,
} as const satisfies Record<string, number>;

/**
 * externalConnectors `label` (a semantic label of a schema property), with Graph's member values: 9 to 11 are
 * unused, and the members after the sentinel `unknownFutureValue` = 12 are beta's `containerName` = 13 and
 * `containerUrl` = 14, and `iconUrl` = 15 (v1.0's CSDL has only `iconUrl` there; this service serves one
 * list in both modes). Evolvable: tests store other members directly.
 */
export const LABEL_MEMBERS = {
  title: 0,
  url: 1,
  createdBy: 2,
  lastModifiedBy: 3,
  authors: 4,
  createdDateTime: 5,
  lastModifiedDateTime: 6,
  fileName: 7,
  fileExtension: 8,
  unknownFutureValue: 12,
  containerName: 13,
  containerUrl: 14,
  iconUrl: 15,
} as const satisfies Record<string, number>;

export type PropertyTypeMember = keyof typeof PROPERTY_TYPE_MEMBERS;
export type LabelMember = keyof typeof LABEL_MEMBERS;

export function isPropertyTypeMember(value: string): value is PropertyTypeMember {
  return Object.prototype.hasOwnProperty.call(PROPERTY_TYPE_MEMBERS, value);
}

export function isLabelMember(value: string): value is LabelMember {
  return Object.prototype.hasOwnProperty.call(LABEL_MEMBERS, value);
}

/** The one `baseType` a schema may have (Graph's pages: "must be set to microsoft.graph.externalItem"). */
export const EXTERNAL_ITEM_BASE_TYPE = `${NAMESPACE}.externalItem`;

/**
 * Names of the connector types as each mode's `$metadata` declares them (beta: the 2019-2020 `microsoft.graph`
 * namespace; v1.0: `microsoft.graph.externalConnectors`). Request bodies may name either.
 */
export function connectorTypeName(apiVersion: ApiVersion, type: 'externalConnection' | 'schema' | 'property'): string {
  return `${apiVersion === 'beta' ? NAMESPACE : EXTERNAL_NAMESPACE}.${type}`;
}

/** Both names a request body's `@odata.type` may use for a connector type, the mode's own first. */
export function connectorTypeNames(apiVersion: ApiVersion, type: 'externalConnection' | 'schema' | 'property'): [string, string] {
  const own = connectorTypeName(apiVersion, type);
  const other = connectorTypeName(apiVersion === 'beta' ? 'v1.0' : 'beta', type);
  return [own, other];
}
