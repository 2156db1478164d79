/**
 * Paging cursors: sealed positions in one list. A position is the upstream link that yields the page holding
 * it (the list's first request, or an `@odata.nextLink` exactly as the upstream sent it) and the number of
 * that page's nodes before it (DESIGN.md 2.1, server-driven paging). Microsoft Graph's nextLinks must be sent
 * whole and their `$skiptoken` never taken apart, so a cursor has to carry the link itself; it is sealed with
 * AES-256-GCM under a key derived from CURSOR_SECRET, with the list's scope (connection, `$filter`,
 * `$orderby`) as associated data. So a cursor discloses nothing of the upstream (no host, port, path or
 * `$skiptoken` in any encoding), cannot be forged or altered, and one replayed onto another list or other
 * arguments does not open.
 *
 * The nonce is synthetic (an HMAC of the scope and the plaintext, as in SIV modes) rather than random: the
 * same position always gets the same cursor (client caches see one edge, not a new one per read), and a busy
 * gateway can seal far more than the 2^32 cursors a random 96-bit nonce allows under one key.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { badUserInput } from '../errors.js';
import { MAX_LINK_BYTES } from '../odata/url.js';

const VERSION = 2;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const INDEX_BYTES = 4;
export const MAX_INDEX = 0xffff_ffff;
/** Longest cursor accepted: checked before anything is decoded or decrypted. */
export const MAX_CURSOR_LENGTH = Math.ceil(((1 + NONCE_BYTES + INDEX_BYTES + MAX_LINK_BYTES + TAG_BYTES) * 4) / 3);
const MIN_CURSOR_BYTES = 1 + NONCE_BYTES + INDEX_BYTES + TAG_BYTES;

/** A place in a list: `index` nodes into the upstream page that `link` yields. */
export interface ListPosition {
  /** Absolute upstream URL of the page: the first request, or a nextLink as received. */
  link: string;
  /** Nodes of that page before the position (0: its start). */
  index: number;
}

/** What a cursor is bound to. Two lists with equal scopes are the same list. */
export interface ListScope {
  /** The list's name (`operations`), so one list's cursors never open on another kind of list. */
  list: string;
  connectionId: string;
  filter: string | undefined;
  orderBy: string | undefined;
}

export function scopeKey(scope: ListScope): string {
  return JSON.stringify([scope.list, scope.connectionId, scope.filter ?? null, scope.orderBy ?? null]);
}

/** The refusal of an `after` that is not a cursor of the list. */
function notACursor(): Error {
  return badUserInput('`after` is not a cursor of this list: pass an endCursor or edge cursor returned for the same `connectionId`, `filter` and `orderBy`.', 'after');
}

/** The link cannot be sealed (longer than {@link MAX_LINK_BYTES}). */
export class UnsealableLinkError extends Error {
  override readonly name = 'UnsealableLinkError';
}

export class CursorCodec {
  private readonly encryptionKey: Buffer;
  private readonly nonceKey: Buffer;

  /** `secret` undefined: a random key, so cursors open only in this process. */
  constructor(secret: string | undefined) {
    const ikm = secret === undefined ? randomBytes(32) : Buffer.from(secret, 'utf8');
    const keys = Buffer.from(hkdfSync('sha256', ikm, 'odata-graphql-gateway/cursor', 'aes-256-gcm + siv nonce', 64));
    this.encryptionKey = keys.subarray(0, 32);
    this.nonceKey = keys.subarray(32);
  }

  private static aad(scope: string): Buffer {
    return Buffer.from(`${VERSION}\u0000${scope}`, 'utf8');
  }

  /** The cursor of `position` in the list `scope` (a {@link scopeKey}). */
  seal(scope: string, position: ListPosition): string {
    const { index } = position;
    if (!Number.isInteger(index) || index < 0 || index > MAX_INDEX) throw new RangeError(`cursor index out of range: ${index}`);
    const link = Buffer.from(position.link, 'utf8');
    if (link.length > MAX_LINK_BYTES) throw new UnsealableLinkError(`an upstream link of ${link.length} bytes is longer than a cursor may hold (${MAX_LINK_BYTES})`);
    const plaintext = Buffer.allocUnsafe(INDEX_BYTES + link.length);
    plaintext.writeUInt32BE(index, 0);
    link.copy(plaintext, INDEX_BYTES);
    const aad = CursorCodec.aad(scope);
    const nonce = createHmac('sha256', this.nonceKey).update(aad).update(plaintext).digest().subarray(0, NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad);
    const sealed = Buffer.concat([Buffer.of(VERSION), nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return sealed.toString('base64url');
  }

  /**
   * The position of a cursor issued for `scope` whose link `owns` accepts (a link of the list's collection
   * under today's UPSTREAM_URL). Throws BAD_USER_INPUT for anything else.
   */
  open(scope: string, cursor: string, owns: (link: string) => boolean = () => true): ListPosition {
    if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH) throw notACursor();
    const bytes = Buffer.from(cursor, 'base64url');
    // One spelling per cursor: decoding skips characters outside base64url and ignores spare trailing bits,
    // so only a cursor that is exactly what seal() writes for its bytes passes.
    if (bytes.length < MIN_CURSOR_BYTES || bytes.toString('base64url') !== cursor || bytes.readUInt8(0) !== VERSION) throw notACursor();
    const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(CursorCodec.aad(scope));
    decipher.setAuthTag(tag);
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(bytes.subarray(1 + NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw notACursor();
    }
    const position = { index: plaintext.readUInt32BE(0), link: plaintext.subarray(INDEX_BYTES).toString('utf8') };
    if (!owns(position.link)) throw notACursor();
    return position;
  }
}
