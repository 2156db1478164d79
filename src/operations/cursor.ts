/**
 * Paging cursors: opaque, authenticated positions in one list. A cursor holds only an offset (how many nodes
 * of the list come before the position) and a MAC (HMAC-SHA256 under CURSOR_SECRET, truncated to 128 bits)
 * over the version, the offset and the list's scope: the connection, `$filter` and `$orderby` it belongs to.
 * So a cursor discloses nothing of the upstream, cannot be forged or altered, and one replayed onto another
 * connection or other arguments does not verify. Nothing in it steers a request: the page is always built
 * from the current request's arguments and selection.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { badUserInput } from '../errors.js';

const VERSION = 1;
const MAC_BYTES = 16;
/** version (1) + offset (uint32) + MAC: 21 bytes, a multiple of 3, so exactly one base64url spelling each. */
const CURSOR_BYTES = 1 + 4 + MAC_BYTES;
const CURSOR_LENGTH = Math.ceil((CURSOR_BYTES * 4) / 3);
export const MAX_OFFSET = 0xffff_ffff;

/** What a cursor is bound to. Two lists with equal scopes are the same list. */
export interface ListScope {
  /** The list's name (`operations`), so one list's cursors never verify on another kind of list. */
  list: string;
  connectionId: string;
  filter: string | undefined;
  orderBy: string | undefined;
}

export function scopeKey(scope: ListScope): string {
  return JSON.stringify([scope.list, scope.connectionId, scope.filter ?? null, scope.orderBy ?? null]);
}

export class CursorCodec {
  private readonly key: Buffer;

  /** `secret` undefined: a random key, so cursors verify only in this process. */
  constructor(secret: string | undefined) {
    this.key = secret === undefined ? randomBytes(32) : Buffer.from(secret, 'utf8');
  }

  private mac(payload: Buffer, scope: string): Buffer {
    return createHmac('sha256', this.key).update(payload).update(scope, 'utf8').digest().subarray(0, MAC_BYTES);
  }

  /** The cursor of the position after `offset` nodes of the list `scope` (a {@link scopeKey}). */
  encode(scope: string, offset: number): string {
    if (!Number.isInteger(offset) || offset < 0 || offset > MAX_OFFSET) throw new RangeError(`cursor offset out of range: ${offset}`);
    const payload = Buffer.alloc(5);
    payload.writeUInt8(VERSION, 0);
    payload.writeUInt32BE(offset, 1);
    return Buffer.concat([payload, this.mac(payload, scope)]).toString('base64url');
  }

  /** The offset of a cursor issued for `scope`. Throws BAD_USER_INPUT for anything else. */
  decode(scope: string, cursor: string): number {
    const refuse = () =>
      badUserInput('`after` is not a cursor of this list: pass an endCursor or edge cursor returned for the same `connectionId`, `filter` and `orderBy`.', 'after');
    if (cursor.length !== CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refuse();
    const bytes = Buffer.from(cursor, 'base64url');
    if (bytes.length !== CURSOR_BYTES || bytes.readUInt8(0) !== VERSION) throw refuse();
    const payload = bytes.subarray(0, 5);
    if (!timingSafeEqual(bytes.subarray(5), this.mac(payload, scope))) throw refuse();
    return payload.readUInt32BE(1);
  }
}
