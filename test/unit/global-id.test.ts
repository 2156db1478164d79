import { describe, expect, it } from 'vitest';
import { decodeGlobalId, encodeGlobalId, type NodeKey } from '../../src/global-id.js';

const op = (connectionId: string, operationId: string): NodeKey => ({ type: 'ConnectionOperation', connectionId, operationId });
const raw = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('global ids', () => {
  it.each([
    ['contosohr', 'hr-op-004'],
    ['a/b', "it's ?#% ü .."],
    ['c', '["x","y"]'],
    ['x'.repeat(512), 'y'.repeat(512)],
  ])('round-trip (%s, %s) as an opaque url-safe string', (connectionId, operationId) => {
    const id = encodeGlobalId(op(connectionId, operationId));
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeGlobalId(id)).toEqual(op(connectionId, operationId));
  });

  it('keeps the documented, stable format', () => {
    expect(encodeGlobalId(op('contosohr', 'hr-op-004'))).toBe(raw(['ConnectionOperation', 'contosohr', 'hr-op-004']));
  });

  it('spells every id exactly as the documented format, whatever the keys hold', () => {
    const printable = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
    const keys = [
      // Every length modulo 3 (the encoding works in 3-byte groups), every printable ASCII character in every
      // position of a group, and what JSON escapes or UTF-8 spells in more than one byte.
      'a', 'ab', 'abc', 'abcd', 'op-4', 'x'.repeat(512), printable, printable.slice(1), printable.slice(2),
      '"', '\\', 'a"b', 'a\\b', '\u007f', '\u0080', 'ü', '€', '😀', '\ud800', 'a\udc00b', '\u2028', "it's ?#% ü ..",
    ];
    for (const connectionId of keys) {
      for (const operationId of keys) {
        expect(encodeGlobalId(op(connectionId, operationId))).toBe(raw(['ConnectionOperation', connectionId, operationId]));
      }
      expect(encodeGlobalId({ type: 'ExternalConnection', connectionId })).toBe(raw(['ExternalConnection', connectionId]));
    }
  });

  it('differs for the same operationId in two connections, and cannot be confused by separators', () => {
    expect(encodeGlobalId(op('c1', 'x'))).not.toBe(encodeGlobalId(op('c2', 'x')));
    expect(encodeGlobalId(op('a', 'b:c'))).not.toBe(encodeGlobalId(op('a:b', 'c')));
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['not an array', raw({ type: 'ConnectionOperation' })],
    ['unknown type', raw(['ExternalThing', 'c', 'o'])],
    ['missing key', raw(['ConnectionOperation', 'c'])],
    ['extra key', raw(['ConnectionOperation', 'c', 'o', 'x'])],
    ['non-string key', raw(['ConnectionOperation', 'c', 1])],
    ['empty key', raw(['ConnectionOperation', '', 'o'])],
    ['control character', raw(['ConnectionOperation', 'c', 'o\u0000'])],
    ['too long key', raw(['ConnectionOperation', 'c', 'o'.repeat(513)])],
    ['non-canonical JSON', Buffer.from('["ConnectionOperation", "c", "o"]').toString('base64url')],
    ['padded', `${raw(['ConnectionOperation', 'c', 'o'])}==`],
    ['huge', 'A'.repeat(1_000_000)],
  ])('refuses %s', (_name, id) => {
    expect(decodeGlobalId(id)).toBeUndefined();
  });
});
