/**
 * Sample data for `npm run upstream`, `npm start` without `UPSTREAM_URL`, and tests that ask for `seed`.
 *
 * Ids are fixed (not random) so that docs, demos and tests can name them. The set covers every status
 * member, failed operations whose `error` carries two inner details, one id that needs escaping
 * everywhere (slash, quote, hash, space, non-ASCII), and one connection large enough (30 operations)
 * that server-driven paging shows up with a small page size.
 */
import type { ErrorDetail } from './store.js';

export interface SampleOperation {
  id: string;
  status: string | null;
  error: ErrorDetail | null;
}

export interface SampleConnection {
  id: string;
  name: string;
  description: string;
  /** connectionState member: the samples cover several, so a client sees the enum vary. */
  state: string;
  operations: SampleOperation[];
}

function failure(errorCode: string, message: string, first: [string, string], second: [string, string]): ErrorDetail {
  return {
    errorCode,
    message,
    details: [
      { source: first[0], message: first[1] },
      { source: second[0], message: second[1] },
    ],
  };
}

/** 30 operations for `contosohr`: a repeating cycle through every status so filters have something to find. */
function hrOperations(): SampleOperation[] {
  const cycle = ['completed', 'completed', 'inprogress', 'failed', 'unspecified', 'completed'] as const;
  const operations: SampleOperation[] = [];
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
              ['properties/employeeId', 'Property type Int64 is not allowed as a searchable property.'],
              ['properties/title', 'Property name exceeds 32 characters.'],
            )
          : null,
    });
  }
  return operations;
}

export const SAMPLE_CONNECTIONS: readonly SampleConnection[] = [
  { id: 'contosohr', name: 'Contoso HR', description: 'Employee directory from the Contoso HR system.', state: 'ready', operations: hrOperations() },
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
          ['properties/priority', 'Enum-typed properties cannot be refinable.'],
          ['properties/assignee', 'A property cannot be both queryable and exactMatchOnly.'],
        ),
      },
      {
        id: 'tickets-crawl-1',
        status: 'failed',
        error: failure(
          'QuotaExceeded',
          'The connection exceeded its item quota.',
          ['items', 'Item count 5000001 exceeds the limit of 5000000.'],
          ['items/ticket-88123', 'Item content is larger than 4 MB.'],
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
          ['sources/wiki', 'The service principal lacks the Sites.Read.All permission.'],
          ['sources/wiki/attachments', 'Attachments are blocked by a data loss prevention policy.'],
        ),
      },
      // An id that must be escaped in every position: path segment, key literal and $filter literal.
      { id: "export/2024 'Q1' #1 ünïcode", status: 'completed', error: null },
    ],
  },
];
