import { describe, expect, it } from 'vitest';
import type { GraphQLError } from 'graphql';
import { buildBatchBody, parseBatchResponse } from '../../src/odata/batch.js';

describe('$batch bodies', () => {
  it('builds one request per part', () => {
    expect(buildBatchBody([{ id: '0', method: 'GET', url: '/connections/c/operations/a?$select=id' }])).toEqual({
      requests: [{ id: '0', method: 'GET', url: '/connections/c/operations/a?$select=id', headers: { accept: 'application/json', prefer: 'include-unknown-enum-members' } }],
    });
  });

  it('reads responses in any order, keeping only asked-for ids; an id answered twice is ambiguous', () => {
    const answers = parseBatchResponse(
      {
        responses: [
          { id: '3', status: 200, headers: {}, body: '{"id":"c"}' },
          { id: '1', status: 404, headers: { 'Content-Type': 'application/json' }, body: { error: { code: 'itemNotFound' } } },
          { id: '0', status: 200, headers: {}, body: '{"id":"a"}' },
          { id: '0', status: 500, body: {} },
          { id: 'x', status: 200, body: {} },
          { id: 2, status: '429', headers: { 'Retry-After': 3 } },
          'garbage',
        ],
      },
      new Set(['0', '1', '2', '3']),
    );
    expect([...answers.keys()].sort()).toEqual(['0', '1', '2', '3']);
    expect(answers.get('3')).toEqual({ status: 200, headers: {}, body: { id: 'c' } });
    expect(answers.get('0')).toBe('duplicated');
    expect((answers.get('1') as { headers: unknown }).headers).toEqual({ 'content-type': 'application/json' });
    expect(answers.get('2')).toEqual({ status: 429, headers: { 'retry-after': '3' }, body: undefined });
  });

  it('refuses a body that is no batch response with UPSTREAM_ERROR', () => {
    for (const body of [undefined, null, [], { value: [] }, { responses: {} }]) {
      let code: unknown;
      try {
        parseBatchResponse(body, new Set(['0']));
      } catch (error) {
        code = (error as GraphQLError).extensions.code;
      }
      expect(code).toBe('UPSTREAM_ERROR');
    }
  });
});
