/**
 * Sample data for `npm run upstream`, `npm start` without `UPSTREAM_URL`, and tests that ask for `seed`.
 *
 * Ids are fixed (not random) so that docs, demos and tests can name them. The set covers every status
 * member, failed operations whose `error` carries two inner details, one id that needs escaping
 * everywhere (slash, quote, hash, space, non-ASCII), and one connection large enough (30 operations)
 * that server-driven paging shows up with a small page size; `contosohr` has a registered schema (one
 * property of each kind of use). Errors are written once and stored in the shape of the service's API
 * version: beta's errorDetail (v1.0's `target` and detail codes have no place there) or v1.0's publicError.
 */
import { EXTERNAL_ITEM_BASE_TYPE, type ApiVersion } from './model.js';
import type { StoredError, StoredSchema } from './store.js';

export interface SampleOperation {
  id: string;
  status: string | null;
  error: StoredError | null;
}

export interface SampleConnection {
  id: string;
  name: string;
  description: string;
  /** connectionState member: the samples cover several, so a client sees the enum vary. */
  state: string;
  operations: SampleOperation[];
  /** Its registered schema, when it has one. */
  schema?: StoredSchema;
}

/** A sample error in neither shape yet: [code, target, message] per detail. */
interface SampleFailure {
  code: string;
  message: string;
  target: string;
  details: Array<[code: string, target: string, message: string]>;
}

function failure(code: string, message: string, target: string, first: [string, string, string], second: [string, string, string]): SampleFailure {
  return { code, message, target, details: [first, second] };
}

function inShape(error: SampleFailure, apiVersion: ApiVersion): StoredError {
  if (apiVersion === 'beta') {
    return { errorCode: error.code, message: error.message, details: error.details.map(([, source, message]) => ({ source, message })) };
  }
  return {
    code: error.code,
    message: error.message,
    target: error.target,
    details: error.details.map(([code, target, message]) => ({ code, target, message })),
  };
}

interface SampleDraft {
  id: string;
  status: string | null;
  error: SampleFailure | null;
}

/** 30 operations for `contosohr`: a repeating cycle through every status so filters have something to find. */
function hrOperations(): SampleDraft[] {
  const cycle = ['completed', 'completed', 'inprogress', 'failed', 'unspecified', 'completed'] as const;
  const operations: SampleDraft[] = [];
  for (let n = 1; n <= 30; n++) {
    const status = cycle[(n - 1) % cycle.length] ?? 'completed';
    const id = `hr-op-${String(n).padStart(3, '0')}`;
    operations.push({
      id,
      status,
      error:
        status === 'failed'
          ? failure(
              'SchemaValidationFailed',
              `Schema registration ${id} failed validation.`,
              'schema',
              ['InvalidPropertyType', 'properties/employeeId', 'Property type Int64 is not allowed as a searchable property.'],
              ['PropertyNameTooLong', 'properties/title', 'Property name exceeds 32 characters.'],
            )
          : null,
    });
  }
  return operations;
}

/** The schema `contosohr` registered: one property of each kind of use, labels and aliases included. */
const HR_SCHEMA: StoredSchema = {
  baseType: EXTERNAL_ITEM_BASE_TYPE,
  properties: [
    { name: 'employeeName', type: 'string', isSearchable: true, isQueryable: true, isRetrievable: true, isRefinable: false, isExactMatchRequired: false, labels: ['title'], aliases: ['fullName'] },
    { name: 'profileUrl', type: 'string', isSearchable: false, isQueryable: false, isRetrievable: true, isRefinable: false, isExactMatchRequired: false, labels: ['url'], aliases: [] },
    { name: 'department', type: 'string', isSearchable: false, isQueryable: true, isRetrievable: true, isRefinable: true, isExactMatchRequired: true, labels: [], aliases: ['team'] },
    { name: 'skills', type: 'stringCollection', isSearchable: true, isQueryable: true, isRetrievable: true, isRefinable: false, isExactMatchRequired: false, labels: [], aliases: [] },
    { name: 'employeeId', type: 'int64', isSearchable: false, isQueryable: true, isRetrievable: true, isRefinable: false, isExactMatchRequired: false, labels: [], aliases: [] },
    { name: 'hireDate', type: 'dateTime', isSearchable: false, isQueryable: true, isRetrievable: true, isRefinable: true, isExactMatchRequired: false, labels: ['createdDateTime'], aliases: [] },
    { name: 'isManager', type: 'boolean', isSearchable: false, isQueryable: true, isRetrievable: true, isRefinable: false, isExactMatchRequired: false, labels: [], aliases: [] },
  ],
};

const SAMPLES: ReadonlyArray<Omit<SampleConnection, 'operations'> & { operations: SampleDraft[] }> = [
  {
    id: 'contosohr',
    name: 'Contoso HR',
    description: 'Employee directory from the Contoso HR system.',
    state: 'ready',
    operations: hrOperations(),
    schema: HR_SCHEMA,
  },
  {
    id: 'contosotickets',
    name: 'Contoso Tickets',
    description: 'Support tickets; over its item quota.',
    state: 'limitExceeded',
    operations: [
      { id: 'tickets-schema-1', status: 'completed', error: null },
      { id: 'tickets-schema-2', status: 'inprogress', error: null },
      {
        id: 'tickets-schema-3',
        status: 'failed',
        error: failure(
          'InvalidSchema',
          'The schema contains invalid properties.',
          'schema',
          ['InvalidRefinableProperty', 'properties/priority', 'Enum-typed properties cannot be refinable.'],
          ['ConflictingPropertyFlags', 'properties/assignee', 'A property cannot be both queryable and exactMatchOnly.'],
        ),
      },
      {
        id: 'tickets-crawl-1',
        status: 'failed',
        error: failure(
          'QuotaExceeded',
          'The connection exceeded its item quota.',
          'items',
          ['ItemQuotaExceeded', 'items', 'Item count 5000001 exceeds the limit of 5000000.'],
          ['ItemTooLarge', 'items/ticket-88123', 'Item content is larger than 4 MB.'],
        ),
      },
      { id: 'tickets-crawl-2', status: 'unspecified', error: null },
      { id: 'tickets-crawl-3', status: 'unknownFutureValue', error: null },
    ],
  },
  {
    id: 'fabrikamwiki',
    name: 'Fabrikam Wiki',
    description: 'Wiki pages; its schema is still being registered.',
    state: 'draft',
    operations: [
      { id: 'wiki-import-1', status: 'completed', error: null },
      { id: 'wiki-import-2', status: 'inprogress', error: null },
      { id: 'wiki-import-3', status: 'unspecified', error: null },
      {
        id: 'wiki-import-4',
        status: 'failed',
        error: failure(
          'AccessDenied',
          'The crawler could not read the source.',
          'sources/wiki',
          ['MissingPermission', 'sources/wiki', 'The service principal lacks the Sites.Read.All permission.'],
          ['BlockedByPolicy', 'sources/wiki/attachments', 'Attachments are blocked by a data loss prevention policy.'],
        ),
      },
      // An id that must be escaped in every position: path segment, key literal and $filter literal.
      { id: "export/2024 'Q1' #1 ünïcode", status: 'completed', error: null },
    ],
  },
];

/** The sample connections, errors in the shape of `apiVersion`. */
export function sampleConnections(apiVersion: ApiVersion): SampleConnection[] {
  return SAMPLES.map(({ operations, schema, ...connection }) => ({
    ...connection,
    ...(schema ? { schema: structuredClone(schema) } : {}),
    operations: operations.map((op) => ({ ...op, error: op.error === null ? null : inShape(op.error, apiVersion) })),
  }));
}
