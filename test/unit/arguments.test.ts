import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { ODataStatus } from '../../src/odata/enums.js';
import { checkFilter, checkFirst, checkIfMatch, checkKey, checkNodeIds, checkOrderBy, checkWriteInput } from '../../src/resolvers/arguments.js';
import { ODataOrderProperty } from '../../src/odata/enums.js';

function refusal(fn: () => unknown): { code?: string; argument?: string; message: string } | 'no error' {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    const e = error as GatewayError;
    return { code: e.extensions.code, argument: e.extensions.argument, message: e.message };
  }
  return 'no error';
}

describe('checkKey', () => {
  it('accepts opaque ids', () => {
    expect(checkKey("a/b'c%d?e#f g ü ..", 'operationId')).toBe("a/b'c%d?e#f g ü ..");
    expect(checkKey('x'.repeat(512), 'operationId')).toHaveLength(512);
  });

  it.each([
    ['', 'must not be empty'],
    ['x'.repeat(513), 'longer than 512'],
    ['a\nb', 'control characters'],
    ['a\u0000b', 'control characters'],
    ['a\u009fb', 'control characters'],
    ['\ud800', 'well-formed'],
  ])('refuses %j with BAD_USER_INPUT naming the argument', (id, message) => {
    const refused = refusal(() => checkKey(id, 'operationId'));
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'operationId' });
    expect((refused as { message: string }).message).toContain(message);
  });
});

describe('checkFirst and checkNodeIds', () => {
  it('accepts 1..1000 and no value', () => {
    expect(checkFirst(undefined)).toBeUndefined();
    expect(checkFirst(null)).toBeUndefined();
    expect(checkFirst(1)).toBe(1);
    expect(checkFirst(1000)).toBe(1000);
  });

  it.each([0, -1, 1001, 2 ** 31 - 1])('refuses first: %i', (first) => {
    expect(refusal(() => checkFirst(first))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
  });

  it('bounds nodes(ids:) at 1000 ids', () => {
    expect(checkNodeIds(Array.from({ length: 1000 }, String))).toHaveLength(1000);
    expect(refusal(() => checkNodeIds(Array.from({ length: 1001 }, String)))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'ids' });
  });
});

describe('checkFilter and checkOrderBy', () => {
  it('accepts a filter within the bounds, unchanged', () => {
    const filter = { status: { in: [ODataStatus.FAILED] }, or: [{ operationId: { eq: "it's" } }] };
    expect(checkFilter(filter)).toBe(filter);
    expect(checkFilter(null)).toBeUndefined();
  });

  it('refuses more than 100 `in` values, nesting deeper than 4, more than 200 conditions, and bad keys', () => {
    const many = Array.from({ length: 101 }, (_, i) => `id${i}`);
    expect(refusal(() => checkFilter({ operationId: { in: many } }))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter' });
    expect(checkFilter({ operationId: { in: many.slice(1) } })).toBeDefined();

    let deep: { or?: unknown[] } = { or: [] };
    for (let i = 0; i < 4; i++) deep = { or: [deep] };
    expect(checkFilter(deep as never)).toBeDefined();
    expect(refusal(() => checkFilter({ or: [deep] } as never))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter' });

    const wide = (n: number) => ({ or: Array.from({ length: n }, (_, i) => ({ operationId: { eq: `x${i}` } })) });
    expect(checkFilter(wide(200))).toBeDefined();
    expect(refusal(() => checkFilter(wide(201)))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter' });

    expect(refusal(() => checkFilter({ operationId: { eq: 'a\u0000' } }))).toMatchObject({ argument: 'filter.operationId' });
    expect(refusal(() => checkFilter({ operationId: { ne: '' } }))).toMatchObject({ argument: 'filter.operationId' });
    expect(refusal(() => checkFilter({ or: [{ operationId: { in: ['ok', 'x'.repeat(513)] } }] }))).toMatchObject({ argument: 'filter.operationId' });
  });

  it('refuses more than 4 order keys', () => {
    const order = (n: number) => Array.from({ length: n }, () => ({ field: ODataOrderProperty.OPERATION_ID }));
    expect(checkOrderBy(order(4))).toHaveLength(4);
    expect(refusal(() => checkOrderBy(order(5)))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'orderBy' });
  });
});

describe('checkWriteInput and checkIfMatch', () => {
  it('bounds strings and details, and checks a chosen operationId', () => {
    expect(refusal(() => checkWriteInput({ operationId: '' }))).toMatchObject({ argument: 'input.operationId' });
    expect(refusal(() => checkWriteInput({ error: { message: 'x'.repeat(4097) } }))).toMatchObject({ argument: 'input.error.message' });
    expect(refusal(() => checkWriteInput({ error: { errorCode: 'x'.repeat(4097) } }))).toMatchObject({ argument: 'input.error.errorCode' });
    expect(refusal(() => checkWriteInput({ error: { details: [{ source: 'x'.repeat(4097) }] } }))).toMatchObject({ argument: 'input.error.details.source' });
    expect(refusal(() => checkWriteInput({ error: { details: [{ message: 'x'.repeat(4097) }] } }))).toMatchObject({ argument: 'input.error.details.message' });
    expect(refusal(() => checkWriteInput({ error: { target: 'x'.repeat(4097) } }))).toMatchObject({ argument: 'input.error.target' });
    expect(refusal(() => checkWriteInput({ error: { details: [{ code: 'x'.repeat(4097) }] } }))).toMatchObject({ argument: 'input.error.details.code' });
    expect(refusal(() => checkWriteInput({ error: { details: Array.from({ length: 101 }, () => ({})) } }))).toMatchObject({ argument: 'input.error.details' });
    const fine = { operationId: 'a', error: { message: 'x'.repeat(4096), details: Array.from({ length: 100 }, () => ({ source: 's' })) } };
    expect(checkWriteInput(fine)).toBe(fine);
  });

  it('accepts printable ETags only', () => {
    expect(checkIfMatch(undefined)).toBeUndefined();
    expect(checkIfMatch('W/"3"')).toBe('W/"3"');
    for (const bad of ['', 'a\r\nX-Injected: 1', 'ü', 'x'.repeat(1025)]) {
      expect(refusal(() => checkIfMatch(bad))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'ifMatch' });
    }
  });
});
