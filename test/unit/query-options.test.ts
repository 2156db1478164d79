import { describe, expect, it } from 'vitest';
import type { GraphQLError } from 'graphql';
import { ODataOrderDirection, ODataOrderProperty, ODataStatus } from '../../src/odata/enums.js';
import {
  buildFilter,
  buildOrderBy,
  buildSelect,
  buildTop,
  propertiesOfSelect,
  stringLiteral,
} from '../../src/odata/query-options.js';

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return (error as GraphQLError).extensions?.code;
  }
  return 'no error';
}

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
    expect(buildFilter({ id: {} })).toBeUndefined();
  });

  it('ANDs fields and ORs `or` entries', () => {
    expect(
      buildFilter({
        status: { ne: ODataStatus.FAILED },
        or: [{ id: { eq: "it's" } }, { status: { in: [ODataStatus.COMPLETED, ODataStatus.IN_PROGRESS] } }],
      }),
    ).toBe("(status ne 'failed') and ((id eq 'it''s') or (status in ('completed','inprogress')))");
  });

  it('escapes injection attempts into literals', () => {
    expect(buildFilter({ id: { eq: "x' or id ne 'y" } })).toBe("id eq 'x'' or id ne ''y'");
    expect(buildFilter({ id: { in: ["a')", "b'"] } })).toBe("id in ('a'')','b''')");
  });

  it('knows that an empty `in` or `or` matches nothing', () => {
    expect(buildFilter({ id: { in: [] } })).toBe(false);
    expect(buildFilter({ or: [] })).toBe(false);
    expect(buildFilter({ or: [{ id: { in: [] } }, { id: { eq: 'a' } }] })).toBe("id eq 'a'");
    expect(buildFilter({ or: [{}, { id: { eq: 'a' } }] })).toBeUndefined();
  });

  it('refuses oversized and too deep filters, and bad ids', () => {
    const many = Array.from({ length: 101 }, (_, i) => `id${i}`);
    expect(codeOf(() => buildFilter({ id: { in: many } }))).toBe('BAD_USER_INPUT');
    let deep: { or?: unknown[] } = { or: [] };
    for (let i = 0; i < 6; i++) deep = { or: [deep] };
    expect(codeOf(() => buildFilter(deep as never))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => buildFilter({ id: { eq: 'a\u0000' } }))).toBe('BAD_USER_INPUT');
    const wide = { or: Array.from({ length: 201 }, (_, i) => ({ id: { eq: `x${i}` } })) };
    expect(codeOf(() => buildFilter(wide))).toBe('BAD_USER_INPUT');
  });
});

describe('buildOrderBy, buildSelect, buildTop', () => {
  it('builds $orderby with default ASC', () => {
    expect(buildOrderBy([{ field: ODataOrderProperty.STATUS, direction: ODataOrderDirection.DESC }, { field: ODataOrderProperty.ID }])).toBe(
      'status desc,id asc',
    );
    expect(buildOrderBy([])).toBeUndefined();
    expect(codeOf(() => buildOrderBy(Array.from({ length: 5 }, () => ({ field: ODataOrderProperty.ID }))))).toBe('BAD_USER_INPUT');
  });

  it('always selects the key, in a stable order', () => {
    expect(buildSelect(new Set())).toBe('id');
    expect(buildSelect(new Set(['error', 'status'] as const))).toBe('id,status,error');
    expect([...propertiesOfSelect('id,error')]).toEqual(['error']);
    expect([...propertiesOfSelect(null)]).toEqual(['status', 'error']);
  });

  it('maps first to $top within 1..1000', () => {
    expect(buildTop(undefined)).toBeUndefined();
    expect(buildTop(1)).toBe('1');
    expect(buildTop(1000)).toBe('1000');
    for (const bad of [0, -1, 1001]) expect(codeOf(() => buildTop(bad))).toBe('BAD_USER_INPUT');
  });
});
