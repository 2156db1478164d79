import { createCipheriv, hkdfSync, randomBytes, type BinaryLike, type CipherGCMOptions, type CipherGCMTypes, type CipherKey } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { CursorCodec, MAX_CURSOR_LENGTH, MAX_INDEX, scopeKey, UnsealableLinkError, type ListScope } from '../../src/operations/cursor.js';
import { MAX_LINK_BYTES } from '../../src/odata/url.js';

/** How many deciphers the codec made: the length bound must refuse an over-long cursor before any. */
const deciphers = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  // The codec deciphers AES-256-GCM only: the GCM overload is all it needs.
  const createDecipheriv = (algorithm: CipherGCMTypes, key: CipherKey, iv: BinaryLike, options?: CipherGCMOptions) => {
    deciphers.count++;
    return crypto.createDecipheriv(algorithm, key, iv, options);
  };
  return { ...crypto, createDecipheriv };
});

const scope = (over: Partial<ListScope> = {}) => scopeKey({ list: 'operations', connectionId: 'c1', filter: undefined, orderBy: undefined, ...over });
const SECRET = 'a-cursor-secret-of-at-least-32-characters';
const LINK = 'http://127.0.0.1:43123/beta/connections/c1/operations?$select=id,status,error&$top=5&$skiptoken=b2Zmc2V0OjU';

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

  it('round-trips positions: the link as it was, and the index, including the extremes', () => {
    for (const index of [0, 1, 2, 99, 100_000, MAX_INDEX]) expect(codec.open(scope(), codec.seal(scope(), { link: LINK, index }))).toEqual({ link: LINK, index });
    const odd = "http://h/b/connections/x/operations?$filter=id eq 'é ü'&$skiptoken=%2F..";
    expect(codec.open(scope(), codec.seal(scope(), { link: odd, index: 3 }))).toEqual({ link: odd, index: 3 });
    expect(() => codec.seal(scope(), { link: LINK, index: MAX_INDEX + 1 })).toThrow(RangeError);
    expect(() => codec.seal(scope(), { link: LINK, index: -1 })).toThrow(RangeError);
    expect(() => codec.seal(scope(), { link: LINK, index: 1.5 })).toThrow(RangeError);
  });

  it('reveals nothing of the link: no host, port, path, query or skiptoken in any encoding', () => {
    const cursor = codec.seal(scope({ filter: "id eq 'x'" }), { link: LINK, index: 5 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const bytes = Buffer.from(cursor, 'base64url');
    const spellings = [cursor, bytes.toString('latin1'), bytes.toString('utf8'), bytes.toString('base64'), bytes.toString('hex')];
    // (Strings a random hex or base64 text may hold by chance, like the port's digits, are looked for in the bytes only.)
    for (const [secret, everywhere] of [['127.0.0.1', true], ['43123', false], ['beta', false], ['connections', true], ['skiptoken', true], ['b2Zmc2V0OjU', true], ['operations', true], ['http:', true], ['id eq', true]] as const) {
      for (const text of everywhere ? spellings : spellings.slice(1, 3)) expect(text).not.toContain(secret);
    }
    // Nor in the other encodings of the link's parts.
    for (const part of ['127.0.0.1', 'skiptoken', 'b2Zmc2V0OjU']) {
      expect(cursor).not.toContain(Buffer.from(part).toString('base64url'));
      expect(bytes.toString('hex')).not.toContain(Buffer.from(part).toString('hex'));
    }
  });

  it('gives one cursor per position (client caches see one edge), and different ones for different positions', () => {
    const a = codec.seal(scope(), { link: LINK, index: 2 });
    expect(codec.seal(scope(), { link: LINK, index: 2 })).toBe(a);
    expect(codec.seal(scope(), { link: LINK, index: 3 })).not.toBe(a);
    expect(codec.seal(scope(), { link: `${LINK}x`, index: 2 })).not.toBe(a);
    expect(codec.seal(scope({ connectionId: 'c2' }), { link: LINK, index: 2 })).not.toBe(a);
    // The nonce is derived from the scope and the position, so equal positions in other lists never share one.
    const nonce = (cursor: string) => Buffer.from(cursor, 'base64url').subarray(1, 13).toString('hex');
    expect(nonce(codec.seal(scope({ filter: 'f' }), { link: LINK, index: 2 }))).not.toBe(nonce(a));
  });

  it('opens across codecs with the same secret (replicas), not with another secret or a random key', () => {
    const cursor = codec.seal(scope(), { link: LINK, index: 7 });
    expect(new CursorCodec(SECRET).open(scope(), cursor)).toEqual({ link: LINK, index: 7 });
    expect(refused(() => new CursorCodec(`${SECRET}-other`).open(scope(), cursor))).toBe(true);
    expect(refused(() => new CursorCodec(undefined).open(scope(), cursor))).toBe(true);
  });

  it('is bound to the list: another connection, filter, order or list kind does not open', () => {
    const cursor = codec.seal(scope(), { link: LINK, index: 3 });
    expect(refused(() => codec.open(scope({ connectionId: 'c2' }), cursor))).toBe(true);
    expect(refused(() => codec.open(scope({ filter: "status eq 'failed'" }), cursor))).toBe(true);
    expect(refused(() => codec.open(scope({ orderBy: 'id asc' }), cursor))).toBe(true);
    expect(refused(() => codec.open(scope({ list: 'connections' }), cursor))).toBe(true);
    // The scope's parts cannot be shifted into each other.
    const a = scopeKey({ list: 'operations', connectionId: 'c1', filter: 'x', orderBy: undefined });
    const b = scopeKey({ list: 'operations', connectionId: 'c1', filter: undefined, orderBy: 'x' });
    expect(refused(() => codec.open(b, codec.seal(a, { link: LINK, index: 1 })))).toBe(true);
  });

  it('refuses every altered, truncated, extended or forged cursor', () => {
    const cursor = codec.seal(scope(), { link: LINK, index: 10 });
    const bytes = Buffer.from(cursor, 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const altered = Buffer.from(bytes);
      altered[i] = altered[i]! ^ 0x01;
      expect(refused(() => codec.open(scope(), altered.toString('base64url')))).toBe(true);
    }
    // Another spelling of the same bytes (base64url's spare trailing bits set) is not the cursor either.
    // (A sealed cursor is 33 bytes + the link: a link of 33 + n bytes with n % 3 = 1 leaves 4 spare bits.)
    const link = LINK + 'x'.repeat((((1 - 33 - LINK.length) % 3) + 3) % 3);
    expect((33 + link.length) % 3).toBe(1);
    const odd = codec.seal(scope(), { link, index: 10 });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelled = odd.slice(0, -1) + alphabet[alphabet.indexOf(odd.at(-1)!) ^ 1];
    expect(Buffer.from(respelled, 'base64url').equals(Buffer.from(odd, 'base64url'))).toBe(true);
    expect(refused(() => codec.open(scope(), respelled))).toBe(true);
    // Version 2 but shorter than nonce, index and tag together.
    const short = Buffer.from([2, ...Buffer.alloc(31, 1)]).toString('base64url');
    for (const bad of ['', 'A', short, `${cursor.slice(0, 10)}+${cursor.slice(11)}`, `${cursor.slice(0, 10)}/${cursor.slice(11)}`, cursor.slice(0, -1), cursor.slice(0, 30), `${cursor}A`, `${cursor}=`, `${cursor.slice(0, -1)}!`, `${cursor} `]) {
      expect(refused(() => codec.open(scope(), bad))).toBe(true);
    }
  });

  /**
   * A cursor made by an independent implementation of the format (version 2 | 12-byte nonce | AES-256-GCM of
   * uint32 index + link | 16-byte tag; key and nonce key by HKDF-SHA256 of the secret; the version and scope
   * as associated data), so that a test can hold a genuine cursor the codec itself would never make.
   */
  function sealByHand(secret: string, scopeText: string, index: number, link: string): string {
    const keys = Buffer.from(hkdfSync('sha256', Buffer.from(secret), 'odata-graphql-gateway/cursor', 'aes-256-gcm + siv nonce', 64));
    const plaintext = Buffer.concat([Buffer.alloc(4), Buffer.from(link)]);
    plaintext.writeUInt32BE(index, 0);
    const aad = Buffer.from(`2\u0000${scopeText}`);
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keys.subarray(0, 32), nonce, { authTagLength: 16 });
    cipher.setAAD(aad);
    return Buffer.concat([Buffer.of(2), nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]).toString('base64url');
  }

  it('opens a cursor of the documented format (the control case for the next test)', () => {
    expect(codec.open(scope(), sealByHand(SECRET, scope(), 4, LINK))).toEqual({ link: LINK, index: 4 });
  });

  it('refuses a cursor over its bounded length before opening it, even one genuinely sealed under the key', () => {
    const long = sealByHand(SECRET, scope(), 0, `http://h/${'x'.repeat(MAX_LINK_BYTES)}`);
    expect(long.length).toBeGreaterThan(MAX_CURSOR_LENGTH);
    expect(refused(() => codec.open(scope(), long))).toBe(true);
    expect(refused(() => codec.open(scope(), 'A'.repeat(MAX_CURSOR_LENGTH + 1)))).toBe(true);
    expect(refused(() => codec.open(scope(), 'A'.repeat(1_000_000)))).toBe(true);
    // The longest link a cursor holds fits under the bound; a longer link is not sealed at all.
    const longest = `http://h/${'x'.repeat(MAX_LINK_BYTES - 9)}`;
    const cursor = codec.seal(scope(), { link: longest, index: MAX_INDEX });
    expect(cursor.length).toBeLessThanOrEqual(MAX_CURSOR_LENGTH);
    expect(codec.open(scope(), cursor).link).toBe(longest);
    expect(() => codec.seal(scope(), { link: `${longest}x`, index: 0 })).toThrow(UnsealableLinkError);
  });

  it('checks the length before decoding or deciphering anything', () => {
    const long = sealByHand(SECRET, scope(), 0, `http://h/${'x'.repeat(MAX_LINK_BYTES)}`);
    // The control case: opening a cursor of allowed length deciphers once, and the spies see it.
    const decodes = vi.spyOn(Buffer, 'from');
    try {
      deciphers.count = 0;
      codec.open(scope(), codec.seal(scope(), { link: LINK, index: 1 }));
      expect(deciphers.count).toBe(1);
      deciphers.count = 0;
      decodes.mockClear();
      for (const cursor of [long, 'A'.repeat(MAX_CURSOR_LENGTH + 1), 'A'.repeat(1_000_000)]) expect(refused(() => codec.open(scope(), cursor))).toBe(true);
      expect(deciphers.count).toBe(0);
      expect(decodes).not.toHaveBeenCalled();
    } finally {
      decodes.mockRestore();
    }
  });
});
