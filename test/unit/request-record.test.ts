import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { RequestRecord } from '../../src/telemetry/request-record.js';

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
});
