/** The scans behind the nesting limits (src/plugins/use-nesting-limits.ts): pure, iterative, linear. */
import { describe, expect, it } from 'vitest';
import { documentNesting, jsonNesting } from '../../src/plugins/use-nesting-limits.js';

describe('documentNesting', () => {
  it.each([
    ['', 0],
    ['{ __typename }', 1],
    ['{ a { b { c } } }', 3],
    ['{ a(x: [[1]]) { b } }', 3],
    ['{ a(x: {y: [{z: 1}]}) }', 4],
    ['query($x: [[ID]]) { a }', 2],
    ['{ a } { b } { c }', 1],
    // Parentheses do not count: an argument list closes before any selection set opens.
    ['{ a(x: 1) { b(y: 2) } }', 2],
  ])('%j nests %i', (text, nesting) => {
    expect(documentNesting(text)).toBe(nesting);
  });

  it.each([
    ['a string', '{ a(x: "{{{[[[") }'],
    ['an escaped quote in a string', '{ a(x: "\\"{{{[[[") }'],
    ['a block string', '{ a(x: """{{{\n[[[""") }'],
    ['an escaped triple quote in a block string', '{ a(x: """\\""" {{{[[[""") }'],
    ['a string that looks like the start of a block string', '{ a(x: "", y: "{{{[[[") }'],
    ['a comment', '# {{{[[[\n{ a }'],
    ['a comment ended by CR', '# {{{[[[\r{ a }'],
  ])('ignores brackets in %s', (_name, text) => {
    expect(documentNesting(text)).toBe(1);
  });

  it('counts what follows a string and a block string', () => {
    expect(documentNesting('{ a(x: "}", y: """}}""") { b { c } } }')).toBe(3);
  });

  it('never goes below zero, so leading closers cannot hide openers', () => {
    expect(documentNesting(`${'}'.repeat(100)}${'{'.repeat(10)}`)).toBe(10);
  });

  it('keeps counting after a string the lexer would refuse (a line break in it): it over-counts, never under-counts', () => {
    expect(documentNesting('{ a(x: "unterminated\n{{{')).toBe(4);
  });

  it('stops at the first level past the limit', () => {
    expect(documentNesting('{'.repeat(1000), 10)).toBe(11);
    expect(documentNesting('{'.repeat(10), 10)).toBe(10);
  });

  it('handles a document nested a million deep without recursion', () => {
    expect(documentNesting(`${'{'.repeat(1_000_000)}${'}'.repeat(1_000_000)}`)).toBe(1_000_000);
  });
});

describe('jsonNesting', () => {
  it.each([
    [null, 0],
    [undefined, 0],
    ['{[', 0],
    [42, 0],
    [[], 1],
    [{}, 1],
    [{ a: [1] }, 2],
    [{ a: 1, b: { c: { d: [] } }, e: [[[]]] }, 4],
    [[{ a: [] }, [[[[]]]]], 5],
  ])('%j nests %i', (value, nesting) => {
    expect(jsonNesting(value)).toBe(nesting);
  });

  it('counts an own `__proto__` key as JSON.parse makes it', () => {
    expect(jsonNesting(JSON.parse('{"__proto__": [[[1]]]}'))).toBe(4);
  });

  it('does not descend into anything JSON.parse does not make', () => {
    class Upload {
      readonly nested = [[[[[]]]]];
    }
    expect(jsonNesting({ file: new Upload(), map: new Map([[1, [[[]]]]]) })).toBe(1);
  });

  it('stops at the first level past the limit', () => {
    expect(jsonNesting(JSON.parse(`${'['.repeat(1000)}${']'.repeat(1000)}`), 10)).toBe(11);
  });

  it('walks a value nested a hundred thousand deep without recursion', () => {
    const deep = JSON.parse(`${'{"a":['.repeat(50_000)}1${']}'.repeat(50_000)}`);
    expect(jsonNesting(deep)).toBe(100_000);
  });
});
