/** `$skiptoken`s: opaque, bound to their query and collection, refused when altered (skiptoken.ts). */
import { describe, expect, it } from 'vitest';
import { parseQueryString } from '../src/query-options.js';
import { BOUND_OPTIONS, createSkipTokenCodec, queryBinding } from '../src/skiptoken.js';

const OPS = ['operations', 'connections', 'c1'];
const binding = (raw: string, collection: readonly string[] = OPS) => queryBinding(collection, parseQueryString(raw));

/** Every token of a base64url string with one character replaced, each replacement a different character. */
function alterations(token: string): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const altered: string[] = [];
  for (let i = 0; i < token.length; i++) {
    for (const c of [alphabet[(alphabet.indexOf(token[i] ?? 'A') + 1) % 64], alphabet[(alphabet.indexOf(token[i] ?? 'A') + 32) % 64]]) {
      altered.push(token.slice(0, i) + c + token.slice(i + 1));
    }
  }
  return altered;
}

describe('skip token codec', () => {
  const codec = createSkipTokenCodec();
  const b = binding("$filter=status eq 'failed'&$top=5");

  it('round-trips a position under the same binding', () => {
    for (const position of [
      { offset: 0, page: 0 },
      { offset: 40, page: 3 },
      { offset: 0xffff_ffff, page: 0xffff_ffff },
    ]) {
      expect(codec.decode(codec.encode(b, position), b)).toEqual(position);
    }
  });

  it('is opaque: base64url, no readable offset or page, unlike the old base64 of "offset:<n>"', () => {
    // A fixed key, so that no random byte can happen to spell "40" and make the test flaky.
    const token = createSkipTokenCodec(Buffer.alloc(32, 1)).encode(b, { offset: 40, page: 3 });
    expect(token).toMatch(/^[A-Za-z0-9_-]{27}$/);
    const bytes = Buffer.from(token, 'base64url');
    expect(bytes.toString('latin1')).not.toMatch(/offset|40/);
    // The position bytes are masked: the plain big-endian offset and page appear nowhere in the token.
    expect(bytes.includes(Buffer.from([0, 0, 0, 40, 0, 0, 0, 3]))).toBe(false);
    expect(bytes.includes(Buffer.from([0, 0, 0, 40]))).toBe(false);
  });

  it('is deterministic for one service and differs between services (random keys)', () => {
    const position = { offset: 10, page: 1 };
    expect(codec.encode(b, position)).toBe(codec.encode(b, position));
    expect(codec.encode(b, { offset: 11, page: 1 })).not.toBe(codec.encode(b, position));
    expect(codec.encode(b, { offset: 10, page: 2 })).not.toBe(codec.encode(b, position));
    const other = createSkipTokenCodec();
    expect(other.encode(b, position)).not.toBe(codec.encode(b, position));
    expect(other.decode(codec.encode(b, position), b)).toBeUndefined();
  });

  it('a fixed key gives the same tokens (the key is the only secret)', () => {
    const key = Buffer.alloc(32, 7);
    expect(createSkipTokenCodec(key).encode(b, { offset: 5, page: 1 })).toBe(createSkipTokenCodec(key).encode(b, { offset: 5, page: 1 }));
  });

  it('refuses the token under any other binding', () => {
    const token = codec.encode(b, { offset: 5, page: 1 });
    for (const other of [
      binding("$filter=status eq 'completed'&$top=5"),
      binding('$top=5'),
      binding("$filter=status eq 'failed'&$top=6"),
      binding("$filter=status eq 'failed'"),
      binding("$filter=status eq 'failed'&$top=5&$orderby=id"),
      binding("$filter=status eq 'failed'&$top=5&$select=id"),
      binding("$filter=status eq 'failed'&$top=5&$count=true"),
      binding("$filter=status eq 'failed'&$top=5", ['operations', 'connections', 'c2']),
      binding("$filter=status eq 'failed'&$top=5", ['operations', 'external/connections', 'c1']),
      binding("$filter=status eq 'failed'&$top=5", ['connections', 'connections']),
    ]) {
      expect(codec.decode(token, other), other).toBeUndefined();
    }
  });

  it('refuses every single-character alteration, truncation, extension and garbage', () => {
    const token = codec.encode(b, { offset: 5, page: 1 });
    for (const altered of alterations(token)) expect(codec.decode(altered, b), altered).toBeUndefined();
    for (const bad of [token.slice(0, -1), `${token}A`, `${token}==`, '', 'abc', 'b2Zmc2V0OjEw' /* base64url('offset:10') */, `${token.slice(0, 10)}+${token.slice(11)}`]) {
      expect(codec.decode(bad, b), bad).toBeUndefined();
    }
  });

  it('refuses a non-canonical spelling of the same bytes (the spare bits of the last character)', () => {
    const token = codec.encode(b, { offset: 5, page: 1 });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1) ?? 'A');
    // 20 bytes are 27 characters: the last one carries 4 bits of data and 2 spare bits.
    const respelled = `${token.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(token, 'base64url'));
    expect(codec.decode(respelled, b)).toBeUndefined();
  });

  it('encodes only valid positions', () => {
    expect(() => codec.encode(b, { offset: -1, page: 0 })).toThrow(RangeError);
    expect(() => codec.encode(b, { offset: 1.5, page: 0 })).toThrow(RangeError);
    expect(() => codec.encode(b, { offset: 0, page: 2 ** 32 })).toThrow(RangeError);
  });
});

describe('query binding', () => {
  it('takes the decoded bound options, whatever their spelling, order or neighbours', () => {
    expect(binding("$filter=status+eq+'failed'&$top=5")).toBe(binding("$top=5&%24filter=status%20eq%20'failed'"));
    expect(binding("$filter=status eq 'failed'&custom=1&$skiptoken=x&$skip=3")).toBe(binding("$filter=status eq 'failed'"));
  });

  it('tells apart every bound option, absent from empty, and each collection', () => {
    const all = BOUND_OPTIONS.map((name) => binding(`${name}=x`));
    expect(new Set([...all, binding(''), binding('$filter=')]).size).toBe(BOUND_OPTIONS.length + 2);
    expect(binding('', ['connections', 'connections'])).not.toBe(binding('', ['connections', 'external/connections']));
    // No id can imitate a separator between the collection's parts (ids may hold '/', quotes, anything).
    expect(queryBinding(['operations', 'connections', 'a","b'], [])).not.toBe(queryBinding(['operations', 'connections', 'a', 'b'], []));
    expect(queryBinding(['operations', 'connections', 'a/b'], [])).not.toBe(queryBinding(['operations', 'connections/a', 'b'], []));
  });

  it('binds exactly $filter, $orderby, $select, $top and $count', () => {
    expect([...BOUND_OPTIONS].sort()).toEqual(['$count', '$filter', '$orderby', '$select', '$top']);
  });
});
