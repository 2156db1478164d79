/**
 * The OData members behind the GraphQL enums, defined once. Keys are the GraphQL names, values the OData
 * names. graphql-tools binds them as the enums' internal values, so resolvers and the query-option builders
 * speak OData names and the GraphQL names exist only on the wire, in both directions.
 */

/** connectionOperationStatus (an evolvable enum: see `toKnownStatus`). */
export enum ODataStatus {
  UNSPECIFIED = 'unspecified',
  IN_PROGRESS = 'inprogress',
  COMPLETED = 'completed',
  FAILED = 'failed',
  UNKNOWN_FUTURE_VALUE = 'unknownFutureValue',
}

/** Sortable properties of connectionOperation. */
export enum ODataOrderProperty {
  OPERATION_ID = 'id',
  STATUS = 'status',
}

/** `$orderby` directions. */
export enum ODataOrderDirection {
  ASC = 'asc',
  DESC = 'desc',
}

/**
 * The reader of an evolvable enum (Microsoft Graph's kind, with `unknownFutureValue`): an upstream member the
 * enum has maps to itself; one added later reads as UNKNOWN_FUTURE_VALUE, and `onUnknown` hears of it.
 */
function evolvable<T extends string>(members: Record<string, T>, unknown: T): (member: string, onUnknown: (member: string) => void) => T {
  const known: ReadonlySet<string> = new Set(Object.values(members));
  return (member, onUnknown) => {
    if (known.has(member)) return member as T;
    onUnknown(member);
    return unknown;
  };
}

const readStatus = evolvable(ODataStatus, ODataStatus.UNKNOWN_FUTURE_VALUE);

/**
 * Maps an upstream member to one the GraphQL enum can serialise. Newer services may add members after
 * `unknownFutureValue`; those read as UNKNOWN_FUTURE_VALUE, and `onUnknown` hears of each.
 */
export function toKnownStatus(member: string | null, onUnknown: (member: string) => void): ODataStatus | null {
  return member === null ? null : readStatus(member, onUnknown);
}

/** connectionState of externalConnection (an evolvable enum: see `toKnownState`). */
export enum ODataConnectionState {
  DRAFT = 'draft',
  READY = 'ready',
  OBSOLETE = 'obsolete',
  LIMIT_EXCEEDED = 'limitExceeded',
  UNKNOWN_FUTURE_VALUE = 'unknownFutureValue',
}

const readState = evolvable(ODataConnectionState, ODataConnectionState.UNKNOWN_FUTURE_VALUE);

/** Like `toKnownStatus`, for connectionState: a member added after `unknownFutureValue` reads as it. */
export function toKnownState(member: string | null, onUnknown: (member: string) => void): ODataConnectionState | null {
  return member === null ? null : readState(member, onUnknown);
}

/** propertyType of a schema property (evolvable: see `evolvable`). */
export enum ODataPropertyType {
  STRING = 'string',
  INT64 = 'int64',
  DOUBLE = 'double',
  DATE_TIME = 'dateTime',
  BOOLEAN = 'boolean',
  STRING_COLLECTION = 'stringCollection',
  INT64_COLLECTION = 'int64Collection',
  DOUBLE_COLLECTION = 'doubleCollection',
  DATE_TIME_COLLECTION = 'dateTimeCollection',
  UNKNOWN_FUTURE_VALUE = 'unknownFutureValue',
}

/** label of a schema property (evolvable: Graph has added members after unknownFutureValue, e.g. iconUrl). */
export enum ODataPropertyLabel {
  TITLE = 'title',
  URL = 'url',
  CREATED_BY = 'createdBy',
  LAST_MODIFIED_BY = 'lastModifiedBy',
  AUTHORS = 'authors',
  CREATED_DATE_TIME = 'createdDateTime',
  LAST_MODIFIED_DATE_TIME = 'lastModifiedDateTime',
  FILE_NAME = 'fileName',
  FILE_EXTENSION = 'fileExtension',
  ICON_URL = 'iconUrl',
  CONTAINER_NAME = 'containerName',
  CONTAINER_URL = 'containerUrl',
  UNKNOWN_FUTURE_VALUE = 'unknownFutureValue',
}

/** Like `toKnownStatus`, for a schema property's type (never null: the type is required). */
export const toKnownPropertyType = evolvable(ODataPropertyType, ODataPropertyType.UNKNOWN_FUTURE_VALUE);

/** Like `toKnownStatus`, for a schema property's labels. */
export const toKnownLabel = evolvable(ODataPropertyLabel, ODataPropertyLabel.UNKNOWN_FUTURE_VALUE);

/**
 * The `Prefer` value every upstream request carries. Microsoft Graph hides evolvable-enum members added
 * after `unknownFutureValue` (it sends `unknownFutureValue` instead) unless asked for them. The gateway asks:
 * a new member is then data it reads as UNKNOWN_FUTURE_VALUE and logs once (bounded), so the log tells
 * operators which member appeared.
 */
export const INCLUDE_UNKNOWN_ENUM_MEMBERS = 'include-unknown-enum-members';
