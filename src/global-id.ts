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
  const keys = key.type === 'ConnectionOperation' ? [key.connectionId, key.operationId] : [key.connectionId];
  return Buffer.from(JSON.stringify([key.type, ...keys]), 'utf8').toString('base64url');
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
