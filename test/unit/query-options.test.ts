import { describe, expect, it } from 'vitest';
import { ODataOrderDirection, ODataOrderProperty, ODataStatus } from '../../src/odata/enums.js';
import {
  buildFilter,
  buildOrderBy,
  buildSelect,
  stringLiteral,
} from '../../src/odata/query-options.js';

describe('stringLiteral', () => {
  it('doubles quotes', () => {
    expect(stringLiteral("it's")).toBe("'it''s'");
    expect(stringLiteral("') or (1 eq 1")).toBe("''') or (1 eq 1'");
  });
});

describe('buildFilter', () => {
  it('is undefined without constraints', () => {
    expect(buildFilter(undefined)).toBeUndefined();
    expect(buildFilter({})).toBeUndefined();
    expect(buildFilter({ operationId: {} })).toBeUndefined();
  });

  it('ANDs fields and ORs `or` entries', () => {
    expect(
      buildFilter({
        status: { ne: ODataStatus.FAILED },
        or: [{ operationId: { eq: "it's" } }, { status: { in: [ODataStatus.COMPLETED, ODataStatus.IN_PROGRESS] } }],
      }),
    ).toBe("(status ne 'failed') and ((id eq 'it''s') or (status in ('completed','inprogress')))");
  });

  it('escapes injection attempts into literals', () => {
    expect(buildFilter({ operationId: { eq: "x' or id ne 'y" } })).toBe("id eq 'x'' or id ne ''y'");
    expect(buildFilter({ operationId: { in: ["a')", "b'"] } })).toBe("id in ('a'')','b''')");
  });

  it('knows that an empty `in` or `or` matches nothing', () => {
    expect(buildFilter({ operationId: { in: [] } })).toBe(false);
    expect(buildFilter({ or: [] })).toBe(false);
    expect(buildFilter({ or: [{ operationId: { in: [] } }, { operationId: { eq: 'a' } }] })).toBe("id eq 'a'");
    expect(buildFilter({ or: [{}, { operationId: { eq: 'a' } }] })).toBeUndefined();
  });

  it('maps operationId to the OData key `id`', () => {
    expect(buildFilter({ operationId: { ne: 'a' }, status: { eq: ODataStatus.FAILED } })).toBe("(id ne 'a') and (status eq 'failed')");
  });

  it('drops duplicate `in` values', () => {
    expect(buildFilter({ operationId: { in: ['a', 'a', 'b'] } })).toBe("id in ('a','b')");
  });
});

describe('buildOrderBy, buildSelect', () => {
  it('builds $orderby with default ASC', () => {
    expect(buildOrderBy([{ field: ODataOrderProperty.STATUS, direction: ODataOrderDirection.DESC }, { field: ODataOrderProperty.OPERATION_ID }])).toBe(
      'status desc,id asc',
    );
    expect(buildOrderBy([])).toBeUndefined();
    expect(buildOrderBy(null)).toBeUndefined();
  });

  it('always selects the key, in a stable order', () => {
    expect(buildSelect(new Set())).toBe('id');
    expect(buildSelect(new Set(['error', 'status'] as const))).toBe('id,status,error');
  });
});
