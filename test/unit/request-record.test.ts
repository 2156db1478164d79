import { GraphQLError, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { shownOperationName } from '../../src/telemetry/operation-name.js';
import { RequestRecord, errorCode } from '../../src/telemetry/request-record.js';

describe('RequestRecord', () => {
  it('selects the operation by operationName, and again when the document changes', () => {
    const record = new RequestRecord('http', {});
    expect(record.operation()).toBeNull();
    expect(record.name()).toBeUndefined();
    record.operationName = 'B';
    expect(record.name()).toBe('B');
    record.document = parse('query A { __typename } query B { __typename }');
    expect(record.operation()?.name?.value).toBe('B');
    record.document = parse('mutation B { __typename }');
    expect(record.operation()?.operation).toBe('mutation');
  });

  it('takes the asked name only when the document has no such operation, and never an empty one', () => {
    const record = new RequestRecord('http', {});
    record.document = parse('{ __typename }');
    record.operationName = 'Missing';
    expect(record.operation()).toBeNull();
    expect(record.name()).toBe('Missing');
    record.operationName = '';
    record.document = parse('{ __typename }');
    expect(record.operation()?.name).toBeUndefined();
    expect(record.name()).toBeUndefined();
  });

  it('fails without an answer unless it streamed; succeeds with an empty error list', () => {
    const record = new RequestRecord('http', {});
    expect(record.failed()).toBe(true);
    record.streamed = true;
    expect(record.failed()).toBe(false);
    record.result = { data: {}, errors: [] };
    expect(record.failed()).toBe(false);
    expect(record.errorCodes()).toEqual([]);
  });

  it('notes a stream as streamed and a result as the answer; of a stream, only a result with errors', () => {
    const record = new RequestRecord('http', {});
    record.answered((async function* () {})());
    expect(record.streamed).toBe(true);
    expect(record.result).toBeUndefined();
    record.answeredInStream({ data: {} });
    expect(record.result).toBeUndefined();
    const refused = { errors: [new GraphQLError('gone', { extensions: { code: 'NOT_FOUND' } })] };
    record.answeredInStream(refused);
    expect(record.result).toBe(refused);
    const plain = new RequestRecord('http', {});
    plain.answered({ data: { a: 1 } });
    expect(plain.streamed).toBe(false);
    expect(plain.result).toEqual({ data: { a: 1 } });
  });

  it('counts a 4xx answered with no GraphQL result as one BAD_REQUEST, and nothing else without a result', () => {
    const codesWith = (status: number | undefined, streamed = false) => {
      const record = new RequestRecord('http', {});
      record.status = status;
      record.streamed = streamed;
      return record.errorCodes();
    };
    expect(codesWith(400)).toEqual(['BAD_REQUEST']);
    expect(codesWith(415)).toEqual(['BAD_REQUEST']);
    expect(codesWith(399)).toEqual([]);
    expect(codesWith(200)).toEqual([]);
    // The client left before its answer: a failure, but no code was answered.
    expect(codesWith(undefined)).toEqual([]);
    expect(codesWith(400, true)).toEqual([]);
  });

  it('takes an error code only when it is a string', () => {
    expect(errorCode(new GraphQLError('x', { extensions: { code: 'NOT_FOUND' } }))).toBe('NOT_FOUND');
    expect(errorCode(new GraphQLError('x'))).toBe('UNKNOWN');
    expect(errorCode(new GraphQLError('x', { extensions: { code: 404 } }))).toBe('UNKNOWN');
  });
});

describe('shownOperationName', () => {
  it('keeps a name of up to 100 characters and cuts a longer one', () => {
    expect(shownOperationName('a'.repeat(100))).toBe('a'.repeat(100));
    expect(shownOperationName('a'.repeat(101))).toBe(`${'a'.repeat(100)}…`);
    expect(shownOperationName(undefined)).toBeUndefined();
  });
});
