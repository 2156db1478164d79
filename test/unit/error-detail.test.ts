import { describe, expect, it } from 'vitest';
import { ODataStatus } from '../../src/odata/enums.js';
import { errorDetailBody, parseErrorDetail } from '../../src/odata/error-detail.js';
import { operationBody } from '../../src/odata/operations.js';

const BETA = {
  '@odata.type': '#microsoft.graph.errorDetail',
  errorCode: 'E1',
  message: 'm',
  details: [{ '@odata.type': '#microsoft.graph.innerErrorDetail', source: 'properties/a', message: 'd' }],
};

const V1 = {
  '@odata.type': '#microsoft.graph.publicError',
  code: 'E1',
  message: 'm',
  target: 'schema',
  details: [{ '@odata.type': '#microsoft.graph.publicErrorDetail', code: 'D1', message: 'd', target: 'properties/a' }],
  innerError: { code: 'inner', message: 'x' },
};

describe('parseErrorDetail', () => {
  it('reads a beta errorDetail', () => {
    expect(parseErrorDetail(BETA)).toEqual({
      errorCode: 'E1',
      message: 'm',
      target: null,
      details: [{ source: 'properties/a', message: 'd', code: null }],
    });
  });

  it('reads a v1.0 publicError: code as errorCode, details’ target as source; innerError is ignored', () => {
    expect(parseErrorDetail(V1)).toEqual({
      errorCode: 'E1',
      message: 'm',
      target: 'schema',
      details: [{ source: 'properties/a', message: 'd', code: 'D1' }],
    });
  });

  it('decides by properties when there is no @odata.type', () => {
    const { '@odata.type': _a, ...beta } = BETA;
    const { '@odata.type': _b, ...v1 } = V1;
    expect(parseErrorDetail({ ...beta, details: [{ source: 's', message: 'd' }] })).toEqual({
      errorCode: 'E1', message: 'm', target: null, details: [{ source: 's', message: 'd', code: null }],
    });
    expect(parseErrorDetail({ ...v1, details: [{ code: 'D1', target: 't' }] })).toEqual({
      errorCode: 'E1', message: 'm', target: 'schema', details: [{ source: 't', message: null, code: 'D1' }],
    });
  });

  it('lets @odata.type decide over properties, and ignores the other shape’s properties', () => {
    // Typed as errorDetail: `code` and `target` are not properties of that type.
    expect(parseErrorDetail({ '@odata.type': '#microsoft.graph.errorDetail', errorCode: 'E', code: 'C', target: 't' })).toMatchObject({
      errorCode: 'E', target: null,
    });
    // Typed as publicError (without `#`): an `errorCode` is an unknown property.
    expect(parseErrorDetail({ '@odata.type': 'microsoft.graph.publicError', errorCode: 'E', code: 'C' })).toMatchObject({ errorCode: 'C' });
    expect(parseErrorDetail({ details: [{ '@odata.type': '#microsoft.graph.publicErrorDetail', source: 's', target: 't', code: 'c' }] })!.details).toEqual([
      { source: 't', message: null, code: 'c' },
    ]);
    expect(parseErrorDetail({ details: [{ '@odata.type': '#microsoft.graph.innerErrorDetail', source: 's', target: 't', code: 'c' }] })!.details).toEqual([
      { source: 's', message: null, code: null },
    ]);
  });

  it('falls back to properties when @odata.type names neither shape', () => {
    expect(parseErrorDetail({ '@odata.type': '#microsoft.graph.somethingNew', errorCode: 'E', code: 'C' })).toMatchObject({ errorCode: 'E' });
    expect(parseErrorDetail({ '@odata.type': 42, code: 'C', target: 't' })).toMatchObject({ errorCode: 'C', target: 't' });
  });

  it('decides each detail on its own (mixed shapes in one error)', () => {
    expect(parseErrorDetail({ errorCode: 'E', details: [{ source: 's1', message: 'a' }, { code: 'c2', target: 't2', message: 'b' }] })!.details).toEqual([
      { source: 's1', message: 'a', code: null },
      { source: 't2', message: 'b', code: 'c2' },
    ]);
  });

  it('degrades to nulls, never throws: non-strings, non-objects, non-arrays, unknown properties', () => {
    expect(parseErrorDetail(null)).toBeNull();
    expect(parseErrorDetail('boom')).toBeNull();
    expect(parseErrorDetail([BETA])).toBeNull();
    expect(parseErrorDetail({ code: 7, message: { text: 'x' }, target: ['t'], details: 'none', extra: 1 })).toEqual({
      errorCode: null, message: null, target: null, details: null,
    });
    expect(parseErrorDetail({ errorCode: true, details: [null, 3, 'x', { source: 1, message: false, code: {} }] })).toEqual({
      errorCode: null, message: null, target: null, details: [{ source: null, message: null, code: null }],
    });
    expect(parseErrorDetail({})).toEqual({ errorCode: null, message: null, target: null, details: null });
  });
});

describe('errorDetailBody', () => {
  const input = { errorCode: 'E1', message: 'm', target: 'schema', details: [{ source: 'properties/a', message: 'd', code: 'D1' }] };

  it('builds an errorDetail, dropping target and the details’ code (no place for them)', () => {
    expect(errorDetailBody(input, 'errorDetail')).toEqual({
      '@odata.type': '#microsoft.graph.errorDetail',
      errorCode: 'E1',
      message: 'm',
      details: [{ '@odata.type': '#microsoft.graph.innerErrorDetail', source: 'properties/a', message: 'd' }],
    });
  });

  it('builds a publicError: errorCode as code, source as the detail’s target', () => {
    expect(errorDetailBody(input, 'publicError')).toEqual({
      '@odata.type': '#microsoft.graph.publicError',
      code: 'E1',
      message: 'm',
      target: 'schema',
      details: [{ '@odata.type': '#microsoft.graph.publicErrorDetail', code: 'D1', message: 'd', target: 'properties/a' }],
    });
  });

  it('sends only what was given, explicit nulls included', () => {
    expect(errorDetailBody({ message: 'm', target: null, details: null }, 'publicError')).toEqual({
      '@odata.type': '#microsoft.graph.publicError', message: 'm', target: null, details: null,
    });
    expect(errorDetailBody({ details: [{ code: null }] }, 'publicError')).toEqual({
      '@odata.type': '#microsoft.graph.publicError', details: [{ '@odata.type': '#microsoft.graph.publicErrorDetail', code: null }],
    });
    expect(errorDetailBody({ errorCode: null, details: [{}] }, 'errorDetail')).toEqual({
      '@odata.type': '#microsoft.graph.errorDetail', errorCode: null, details: [{ '@odata.type': '#microsoft.graph.innerErrorDetail' }],
    });
  });

  it('round-trips through parseErrorDetail in both shapes', () => {
    expect(parseErrorDetail(errorDetailBody(input, 'publicError'))).toEqual(input);
    expect(parseErrorDetail(errorDetailBody(input, 'errorDetail'))).toEqual({ ...input, target: null, details: [{ ...input.details[0], code: null }] });
  });
});

describe('operationBody', () => {
  it('defaults to the errorDetail shape, and uses the one asked for', () => {
    const write = { operationId: 'o', status: ODataStatus.FAILED, error: { errorCode: 'E' } };
    expect(operationBody(write).error).toEqual({ '@odata.type': '#microsoft.graph.errorDetail', errorCode: 'E' });
    expect(operationBody(write, 'publicError')).toEqual({
      '@odata.type': '#microsoft.graph.connectionOperation',
      id: 'o',
      status: 'failed',
      error: { '@odata.type': '#microsoft.graph.publicError', code: 'E' },
    });
    expect(operationBody({ error: null }, 'publicError')).toEqual({ '@odata.type': '#microsoft.graph.connectionOperation', error: null });
  });
});
