/**
 * Global object identifiers (Relay Global Object Identification). An OData key is unique only inside its
 * parent (an operationId inside its connection), while normalized client caches key objects by `id` alone;
 * the global id therefore encodes the type and every key.
 *
 * Format (stable across releases; clients must treat it as opaque): base64url, without padding, of the
 * UTF-8 JSON array `[typeName, ...keys]`, e.g. `["ConnectionOperation","contosohr","hr-op-004"]` or `["ExternalConnection","contosohr"]` (an operation's
 * id is unchanged by the second type: its array still has three entries).
 * Decoding accepts only the canonical encoding of a known type with valid keys, so one object has exactly
 * one id (two spellings of one object would be two objects in a client's cache).
 */
import { keyProblem, MAX_KEY_LENGTH } from './keys.js';

/** The keys each identifiable type is made of, in order. */
const KEYS = {
  ConnectionOperation: ['connectionId', 'operationId'],
  ExternalConnection: ['connectionId'],
} as const satisfies Record<string, readonly string[]>;

export type NodeType = keyof typeof KEYS;

/** A decoded global id: the type and its keys by name. */
export type NodeKey =
  | { type: 'ConnectionOperation'; connectionId: string; operationId: string }
  | { type: 'ExternalConnection'; connectionId: string };

/** Longest global id worth decoding: two keys of MAX_KEY_LENGTH, JSON-escaped (≤ 6 bytes each), base64. */
const MAX_GLOBAL_ID_LENGTH = Math.ceil(((2 * MAX_KEY_LENGTH * 6 + 64) * 4) / 3);

export function encodeGlobalId(key: NodeKey): string {
  if (key.type === 'ConnectionOperation') {
    // The hot path: every operation a response holds gets its id. For keys JSON writes as they are (printable
    // ASCII without `"` or `\`), the JSON is the prefix plus the keys, and the prefix's 24 bytes are whole
    // base64 groups, so its encoding is a constant. The bytes are those of the general encoding below.
    const { connectionId, operationId } = key;
    if (PLAIN_JSON.test(connectionId) && PLAIN_JSON.test(operationId)) {
      return OPERATION_PREFIX_BASE64 + asciiBase64url(`${connectionId}","${operationId}"]`);
    }
    return utf8Base64url(JSON.stringify([key.type, connectionId, operationId]));
  }
  return utf8Base64url(JSON.stringify([key.type, key.connectionId]));
}

function utf8Base64url(json: string): string {
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** Strings JSON.stringify writes unchanged between its quotes, all of whose UTF-8 bytes are their char codes. */
const PLAIN_JSON = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** `["ConnectionOperation","`: 24 bytes, a multiple of 3, so its base64url stands alone. */
const OPERATION_PREFIX_BASE64 = utf8Base64url('["ConnectionOperation","');

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The base64url spelling of every 12 bits: two characters per lookup. */
const BASE64URL_PAIRS = Array.from({ length: 4096 }, (_, bits) => BASE64URL[bits >> 6]! + BASE64URL[bits & 63]!);

/**
 * base64url, without padding, of an ASCII string (each char code is its one UTF-8 byte). In JavaScript because
 * for a short string a Buffer round trip costs more than the encoding.
 */
function asciiBase64url(ascii: string): string {
  let out = '';
  const length = ascii.length;
  let i = 0;
  for (; i + 2 < length; i += 3) {
    const bits = (ascii.charCodeAt(i) << 16) | (ascii.charCodeAt(i + 1) << 8) | ascii.charCodeAt(i + 2);
    out += BASE64URL_PAIRS[bits >> 12]! + BASE64URL_PAIRS[bits & 4095]!;
  }
  if (length - i === 1) {
    out += BASE64URL_PAIRS[ascii.charCodeAt(i) << 4]!;
  } else if (length - i === 2) {
    const bits = (ascii.charCodeAt(i) << 8) | ascii.charCodeAt(i + 1);
    out += BASE64URL_PAIRS[bits >> 4]! + BASE64URL[(bits & 15) << 2]!;
  }
  return out;
}

/** The object a global id names, or undefined when it is not an id this gateway issues. */
export function decodeGlobalId(id: string): NodeKey | undefined {
  if (id.length === 0 || id.length > MAX_GLOBAL_ID_LENGTH || !/^[A-Za-z0-9_-]+$/.test(id)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(decoded) || decoded.length === 0) return undefined;
  const [type, ...keys] = decoded as unknown[];
  if (type !== 'ConnectionOperation' && type !== 'ExternalConnection') return undefined;
  if (keys.length !== KEYS[type].length || !keys.every((k) => typeof k === 'string' && keyProblem(k) === undefined)) return undefined;
  const [connectionId, operationId] = keys as string[];
  const key: NodeKey = type === 'ConnectionOperation' ? { type, connectionId: connectionId!, operationId: operationId! } : { type, connectionId: connectionId! };
  // Only the canonical spelling: base64url has no padding or alternative alphabets here, and JSON could be
  // spelled with other whitespace or escapes.
  return encodeGlobalId(key) === id ? key : undefined;
}
