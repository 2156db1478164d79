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
