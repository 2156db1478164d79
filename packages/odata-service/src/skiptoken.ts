/**
 * `$skiptoken` values: opaque, bound to the query that produced them, and tamper-evident.
 *
 * Microsoft Graph's paging guide tells clients to send each `@odata.nextLink` whole and never to take its
 * `$skiptoken` apart or reuse it in another request, and Graph refuses a token that does not belong to the
 * request. A readable offset (the old `offset:<n>`) let a client build its own tokens, or keep a token and
 * change the filter, and still get an answer here where Graph would answer 400: exactly the bugs the tests
 * must catch. So a token carries:
 *
 *  - the position where the next page starts: the offset into the matching items and the index of that
 *    page (paging.ts derives the page's size and whether it is an empty one from the index);
 *  - a truncated HMAC-SHA256, under a random per-service key, over the position and the binding (the
 *    collection and the decoded options that shape the result, {@link queryBinding}).
 *
 * The position is masked with a keystream derived from the MAC (a synthetic-IV construction), so the token
 * shows no offset, yet stays deterministic: the same query at the same place always gets the same link, so
 * a client that deduplicates identical URLs still can. The token is base64url in its canonical form only:
 * a different spelling of the same bytes is refused like any other altered token.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { QueryEntry } from './query-options.js';

/** Where a page starts: `offset` into the collection's matching items, `page` its index (the first page is 0). */
export interface PagePosition {
  offset: number;
  page: number;
}

export interface SkipTokenCodec {
  /** The token of the page at `position` of the query described by `binding`. */
  encode(binding: string, position: PagePosition): string;
  /** The position a token stands for, or undefined when this service did not issue it for `binding`. */
  decode(token: string, binding: string): PagePosition | undefined;
}

/**
 * The options a token is bound to: those that decide which items come in which order and shape, and how
 * many a page may hold. `$skiptoken` itself is the position; `$skip` is refused or ignored (paging.ts).
 */
export const BOUND_OPTIONS = ['$filter', '$orderby', '$select', '$top', '$count'] as const;

const MAC_BYTES = 12; // 96 bits: no forgery by guessing, and a short link
const POSITION_BYTES = 8; // offset and page, 32 bits each
const MAX_POSITION = 0xffff_ffff;

/**
 * The binding of one request: the collection (e.g. `['operations', family, connectionId]`) and the decoded
 * value of each bound option, or null when absent. Decoded, so `status+eq+'a'` and `status%20eq%20'a'`
 * are the same query; JSON, so no value can imitate a separator.
 */
export function queryBinding(collection: readonly string[], entries: readonly QueryEntry[]): string {
  const options = BOUND_OPTIONS.map((name) => entries.find((entry) => entry.name === name)?.value ?? null);
  return JSON.stringify([collection, options]);
}

function positionBytes(position: PagePosition): Buffer {
  const bytes = Buffer.alloc(POSITION_BYTES);
  bytes.writeUInt32BE(position.offset, 0);
  bytes.writeUInt32BE(position.page, 4);
  return bytes;
}

function validPosition(position: PagePosition): boolean {
  const valid = (n: number) => Number.isInteger(n) && n >= 0 && n <= MAX_POSITION;
  return valid(position.offset) && valid(position.page);
}

export function createSkipTokenCodec(key: Uint8Array = randomBytes(32)): SkipTokenCodec {
  const mac = (binding: string, position: Buffer): Buffer =>
    createHmac('sha256', key).update('mac\0').update(position).update(binding, 'utf8').digest().subarray(0, MAC_BYTES);
  // Different input prefix than the MAC, so the mask reveals nothing about the MAC's other bytes.
  const mask = (tag: Buffer): Buffer => createHmac('sha256', key).update('mask\0').update(tag).digest().subarray(0, POSITION_BYTES);
  const xor = (a: Buffer, b: Buffer): Buffer => Buffer.from(a.map((byte, i) => byte ^ (b[i] ?? 0)));

  return {
    encode(binding, position) {
      if (!validPosition(position)) throw new RangeError(`A page position must be two integers from 0 to ${MAX_POSITION}, received ${JSON.stringify(position)}.`);
      const plain = positionBytes(position);
      const tag = mac(binding, plain);
      return Buffer.concat([tag, xor(plain, mask(tag))]).toString('base64url');
    },
    decode(token, binding) {
      // Node's decoder skips characters outside the alphabet and accepts spare bits in the last character;
      // asking for the canonical spelling back refuses both, so one set of bytes has exactly one token.
      const bytes = Buffer.from(token, 'base64url');
      if (bytes.toString('base64url') !== token) return undefined;
      // Also keeps timingSafeEqual (which throws on a length mismatch) and the reads below in bounds.
      if (bytes.length !== MAC_BYTES + POSITION_BYTES) return undefined;
      const tag = bytes.subarray(0, MAC_BYTES);
      const plain = xor(bytes.subarray(MAC_BYTES), mask(tag));
      if (!timingSafeEqual(tag, mac(binding, plain))) return undefined;
      return { offset: plain.readUInt32BE(0), page: plain.readUInt32BE(4) };
    },
  };
}
