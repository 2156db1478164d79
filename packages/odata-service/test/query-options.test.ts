import { describe, expect, it } from 'vitest';
import { matchingOperations } from '../src/collection.js';
import { ODataError } from '../src/errors.js';
import { resolveResource, segmentsUnderBase } from '../src/paths.js';
import {
  type SystemQueryOption,
  nextLinkQuery,
  parseQueryOptions,
  parseQueryString,
} from '../src/query-options.js';
import type { StoredOperation } from '../src/store.js';

const ALL: SystemQueryOption[] = ['$select', '$filter', '$orderby', '$top', '$skip', '$count', '$skiptoken'];

function options(raw: string, allowed: SystemQueryOption[] = ALL) {
  return parseQueryOptions(parseQueryString(raw), allowed, 'the operations collection');
}

function rejects(fn: () => unknown, message: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ODataError);
    expect((error as ODataError).status).toBe(400);
    expect((error as ODataError).message).toContain(message);
    return;
  }
  throw new Error('expected a 400');
}

describe('query string and system query options', () => {
  it('decodes percent-encoding and + as space, keeping the raw form', () => {
    const entries = parseQueryString("%24filter=id+eq+'a%2Bb'&x");
    expect(entries).toEqual([
      { rawName: '%24filter', rawValue: "id+eq+'a%2Bb'", name: '$filter', value: "id eq 'a+b'" },
      { rawName: 'x', rawValue: undefined, name: 'x', value: '' },
    ]);
  });

  it('parses every supported option', () => {
    const parsed = options('$select=status,error&$orderby=status desc,id&$top=5&$skip=2&$count=true&$filter=' + encodeURIComponent("id eq 'a'"));
    expect(parsed.select).toEqual(['status', 'error']);
    expect(parsed.orderby).toEqual([
      { property: 'status', descending: true },
      { property: 'id', descending: false },
    ]);
    expect(parsed.top).toBe(5);
    expect(parsed.skip).toBe(2);
    expect(parsed.count).toBe(true);
    expect(parsed.filter).toEqual({ kind: 'compare', property: 'id', op: 'eq', value: 'a' });
    expect(options('$select=*').select).toEqual(['id', 'status', 'error']);
    expect(options('$count=false').count).toBe(false);
  });

  it('ignores custom (non-$) options', () => {
    expect(options('foo=bar&select=nonsense')).toEqual({ orderby: [], count: false });
  });

  it.each([
    ['$select=name', "could not find a property named 'name'"],
    ['$select=id,,status', 'empty item'],
    ['$orderby=name', "cannot order by 'name'"],
    ['$orderby=id up', "direction 'up'"],
    ['$orderby=id,id desc', 'more than once'],
    ['$top=-1', 'non-negative integer'],
    ['$top=1.5', 'non-negative integer'],
    ['$skip=abc', 'non-negative integer'],
    ['$count=yes', 'must be true or false'],
    ['$expand=foo', 'not supported by this service'],
    ['$Top=1', "Unknown system query option '$Top'"],
    ['$foo=1', "Unknown system query option '$foo'"],
    ['$top=1&$top=2', 'more than once'],
    ['$filter=%E0%A4%A', 'malformed percent-encoding'],
  ])('rejects %s', (raw, message) => {
    rejects(() => options(raw), message);
  });

  it('rejects options the resource does not support', () => {
    rejects(() => options('$top=1', ['$select']), "'$top' is not supported on the operations collection; allowed: $select");
  });

  it('keeps $skiptoken as received: it is checked against the request by paging.ts, not here', () => {
    expect(options('$skiptoken=anything-at-all').skiptoken).toBe('anything-at-all');
  });

  it('next link query keeps the raw options and replaces $skiptoken', () => {
    const entries = parseQueryString("%24filter=id+eq+'a'&$top=5&custom&$skiptoken=old");
    expect(nextLinkQuery(entries, 'new-token')).toBe("%24filter=id+eq+'a'&$top=5&custom&$skiptoken=new-token");
  });
});

describe('matching operations (filter and order; paging.ts pages them)', () => {
  const all: StoredOperation[] = Array.from({ length: 25 }, (_, i) => ({
    id: `op-${String(i).padStart(2, '0')}`,
    status: ['completed', 'failed', null, 'paused', 'unspecified'][i % 5] ?? null,
    error: null,
    etag: `W/"${i}"`,
  }));

  it('filters, keeps insertion order without $orderby, and does not touch the input', () => {
    const matching = matchingOperations(all, options("$filter=status eq 'failed'"));
    expect(matching.map((op) => op.id)).toEqual(['op-01', 'op-06', 'op-11', 'op-16', 'op-21']);
    expect(matchingOperations(all, { orderby: [] })).toEqual(all);
    expect(matchingOperations(all, { orderby: [] })).not.toBe(all);
  });

  it('orders status by enum value, null first and unknown members last; ties keep insertion order', () => {
    const matching = matchingOperations(all.slice(0, 5), { orderby: [{ property: 'status', descending: false }] });
    expect(matching.map((op) => op.status)).toEqual([null, 'unspecified', 'completed', 'failed', 'paused']);
    const desc = matchingOperations(all.slice(0, 10), options('$orderby=status desc,id desc'));
    expect(desc.map((op) => op.id)).toEqual(['op-08', 'op-03', 'op-06', 'op-01', 'op-05', 'op-00', 'op-09', 'op-04', 'op-07', 'op-02']);
  });
});

describe('resource paths', () => {
  const base = ['beta'];
  const resolve = (raw: string) => {
    const segments = segmentsUnderBase(raw, base);
    if (!segments) throw new Error('not under base');
    return resolveResource(segments);
  };

  it('splits before decoding and keeps encoded dots as data', () => {
    expect(resolve('/beta/connections/c%2F1/operations/a%2Fb')).toEqual({ kind: 'operation', family: 'connections', connectionId: 'c/1', operationId: 'a/b' });
    expect(resolve('/beta/connections/c1/operations/%2E%2E')).toMatchObject({ kind: 'operation', operationId: '..' });
    expect(resolve('/beta/connections/c1/operations/%2e')).toMatchObject({ kind: 'operation', operationId: '.' });
  });

  it('resolves raw dot segments like any HTTP server would', () => {
    expect(resolve('/beta/connections/c1/operations/..')).toEqual({ kind: 'connection', family: 'connections', connectionId: 'c1' });
    expect(resolve('/beta/connections/c1/./operations')).toMatchObject({ kind: 'operations' });
    expect(segmentsUnderBase('/beta/../connections', base)).toBeUndefined();
  });

  it('key syntax, both families, $ref/$count only raw', () => {
    expect(resolve("/beta/external/connections('c1')/operations('it''s')")).toEqual({
      kind: 'operation',
      family: 'external/connections',
      connectionId: 'c1',
      operationId: "it's",
    });
    expect(resolve('/beta/connections/c1/operations%28%27x%27%29')).toMatchObject({ kind: 'operation', operationId: 'x' });
    expect(resolve('/beta/connections/c1/operations/$ref')).toMatchObject({ kind: 'operationsRef' });
    expect(resolve('/beta/connections/c1/operations/%24ref')).toMatchObject({ kind: 'operation', operationId: '$ref' });
    expect(resolve('/beta/connections/c1/operations/$count')).toMatchObject({ kind: 'operationsCount' });
    expect(resolve('/beta/connections/c1/operations/')).toMatchObject({ kind: 'operations' });
  });

  it('unknown or malformed paths are errors', () => {
    expect(() => resolve('/beta/things')).toThrow("Resource not found for the segment 'things'.");
    expect(() => resolve('/beta/connections/c1/operations/x/status')).toThrow("segment 'status'");
    expect(() => resolve('/beta/connections/c1//operations')).toThrow("segment ''");
    expect(() => resolve("/beta/connections/c1/operations('a'b')")).toThrow('not a valid string literal');
    expect(() => resolve('/beta/connections/c1/operations/%E0%A4%A')).toThrow('malformed percent-encoding');
  });
});
