import { describe, expect, it } from 'vitest';
import { ODataError } from '../src/errors.js';
import { type FilterTarget, evaluateFilter, parseFilter } from '../src/filter.js';

const ops: FilterTarget[] = [
  { id: 'a', status: 'completed' },
  { id: 'b', status: 'failed' },
  { id: "it's", status: 'inprogress' },
  { id: 'd', status: null },
  { id: 'e', status: 'paused' }, // a member this model does not know (evolved upstream)
];

function run(filter: string): string[] {
  const expr = parseFilter(filter);
  return ops.filter((op) => evaluateFilter(expr, op)).map((op) => op.id);
}

function rejection(filter: string): ODataError {
  try {
    parseFilter(filter);
  } catch (error) {
    if (error instanceof ODataError) return error;
    throw error;
  }
  throw new Error(`expected ${filter} to be rejected`);
}

describe('$filter parser and evaluator', () => {
  it('eq / ne on id and status', () => {
    expect(run("id eq 'a'")).toEqual(['a']);
    expect(run("status eq 'failed'")).toEqual(['b']);
    expect(run("status ne 'failed'")).toEqual(['a', "it's", 'd', 'e']);
  });

  it('string literal with a doubled quote', () => {
    expect(run("id eq 'it''s'")).toEqual(["it's"]);
    expect(parseFilter("id eq ''''")).toEqual({ kind: 'compare', property: 'id', op: 'eq', value: "'" });
  });

  it('in (...)', () => {
    expect(run("id in ('a', 'b','zzz')")).toEqual(['a', 'b']);
    expect(run("status in ('completed','inprogress')")).toEqual(['a', "it's"]);
  });

  it('and / or / not with precedence and parentheses', () => {
    // and binds tighter than or
    expect(run("id eq 'a' or id eq 'b' and status eq 'completed'")).toEqual(['a']);
    expect(run("(id eq 'a' or id eq 'b') and status eq 'failed'")).toEqual(['b']);
    expect(run("not status eq 'failed'")).toEqual(['a', "it's", 'd', 'e']);
    expect(run("not (id eq 'a' or id eq 'b')")).toEqual(["it's", 'd', 'e']);
    expect(run("not not id eq 'a'")).toEqual(['a']);
    expect(run("((id eq 'a'))")).toEqual(['a']);
  });

  it('null literal follows OData null semantics', () => {
    expect(run('status eq null')).toEqual(['d']);
    expect(run('status ne null')).toEqual(['a', 'b', "it's", 'e']);
  });

  it('accepts the qualified enum literal form', () => {
    expect(run("status eq microsoft.graph.connectionOperationStatus'failed'")).toEqual(['b']);
    expect(run("status in (microsoft.graph.connectionOperationStatus'failed', 'completed')")).toEqual(['a', 'b']);
  });

  it('unknown upstream members match no literal', () => {
    expect(run("status in ('unspecified','inprogress','completed','failed','unknownFutureValue')")).toEqual(['a', 'b', "it's"]);
  });

  it.each([
    ["name eq 'x'", "property 'name' cannot be filtered"],
    ["startswith(id,'a')", "function 'startswith' is not supported"],
    ["id gt 'a'", "operator 'gt' is not supported"],
    ["id EQ 'a'", 'operators are lower-case'],
    ["status eq 'Failed'", "'Failed' is not a member of microsoft.graph.connectionOperationStatus"],
    ["status eq 'paused'", 'is not a member'],
    ["status eq other.Type'failed'", "enum type 'other.Type'"],
    ["id eq microsoft.graph.connectionOperationStatus'failed'", 'Edm.String'],
    ['id eq 1', "numeric literal '1'"],
    ['status eq true', "boolean literal 'true'"],
    ["id eq 'a", 'unterminated string literal'],
    ["(id eq 'a'", "expected ')'"],
    ["id eq 'a' id eq 'b'", 'after a complete expression'],
    ["id eq 'a' and", 'expected a property'],
    ['id in ()', 'expected a literal'],
    ["id in ('a' 'b')", "expected ',' or ')'"],
    ["status/x eq 'a'", 'property paths are not supported'],
    ['', 'empty'],
    ["id eq 'a' & 1", 'after a complete expression'],
  ])('rejects %s with a clear 400', (filter, message) => {
    const error = rejection(filter);
    expect(error.status).toBe(400);
    expect(error.code).toBe('BadRequest');
    expect(error.message).toContain(message);
  });

  it('reports the position of the problem', () => {
    expect(rejection("id eq 'a' and name eq 'b'").message).toContain('position 14');
  });

  it('bounds nesting depth and length', () => {
    expect(rejection(`${'('.repeat(100)}id eq 'a'${')'.repeat(100)}`).message).toContain('nested deeper');
    expect(rejection(`id eq '${'x'.repeat(9000)}'`).message).toContain('longer than');
  });
});
