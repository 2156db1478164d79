import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { CursorCodec, MAX_OFFSET, scopeKey, type ListScope } from '../../src/operations/cursor.js';

const scope = (over: Partial<ListScope> = {}) => scopeKey({ list: 'operations', connectionId: 'c1', filter: undefined, orderBy: undefined, ...over });
const SECRET = 'a-cursor-secret-of-at-least-32-characters';

function refused(fn: () => unknown): boolean {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
    return true;
  }
  return false;
}

describe('CursorCodec', () => {
  const codec = new CursorCodec(SECRET);

  it('round-trips offsets, including the extremes', () => {
    for (const offset of [0, 1, 2, 99, 100_000, MAX_OFFSET]) expect(codec.decode(scope(), codec.encode(scope(), offset))).toBe(offset);
    expect(() => codec.encode(scope(), MAX_OFFSET + 1)).toThrow(RangeError);
    expect(() => codec.encode(scope(), -1)).toThrow(RangeError);
  });

  it('is short, url-safe and reveals nothing but bytes', () => {
    const cursor = codec.encode(scope({ filter: "id eq 'x'" }), 5);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]{28}$/);
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toMatch(/c1|http|id eq/);
  });

  it('verifies across codecs with the same secret (replicas), not with another secret or a random key', () => {
    const cursor = codec.encode(scope(), 7);
    expect(new CursorCodec(SECRET).decode(scope(), cursor)).toBe(7);
    expect(refused(() => new CursorCodec(`${SECRET}-other`).decode(scope(), cursor))).toBe(true);
    expect(refused(() => new CursorCodec(undefined).decode(scope(), cursor))).toBe(true);
  });

  it('is bound to the list: another connection, filter, order or list kind does not verify', () => {
    const cursor = codec.encode(scope(), 3);
    expect(refused(() => codec.decode(scope({ connectionId: 'c2' }), cursor))).toBe(true);
    expect(refused(() => codec.decode(scope({ filter: "status eq 'failed'" }), cursor))).toBe(true);
    expect(refused(() => codec.decode(scope({ orderBy: 'id asc' }), cursor))).toBe(true);
    expect(refused(() => codec.decode(scope({ list: 'connections' }), cursor))).toBe(true);
    // The scope's parts cannot be shifted into each other.
    const a = scopeKey({ list: 'operations', connectionId: 'c1', filter: 'x', orderBy: undefined });
    const b = scopeKey({ list: 'operations', connectionId: 'c1', filter: undefined, orderBy: 'x' });
    expect(refused(() => codec.decode(b, codec.encode(a, 1)))).toBe(true);
  });

  it('refuses every altered, truncated, extended or forged cursor', () => {
    const cursor = codec.encode(scope(), 10);
    const bytes = Buffer.from(cursor, 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const altered = Buffer.from(bytes);
      altered[i] = altered[i]! ^ 0x01;
      expect(refused(() => codec.decode(scope(), altered.toString('base64url')))).toBe(true);
    }
    // A forged offset with the old MAC.
    const forged = Buffer.from(bytes);
    forged.writeUInt32BE(100_000, 1);
    expect(refused(() => codec.decode(scope(), forged.toString('base64url')))).toBe(true);
    for (const bad of ['', cursor.slice(0, -1), `${cursor}A`, cursor.slice(0, 27) + '=', `${cursor.slice(0, 27)}!`, 'x'.repeat(100_000)]) {
      expect(refused(() => codec.decode(scope(), bad))).toBe(true);
    }
  });
});
