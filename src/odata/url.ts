/**
 * Pure builders of upstream paths. Every client-chosen value goes through {@link encodeKeySegment}, so an id
 * can never add, remove or climb a path segment, start a query or fragment, or be read as OData key syntax.
 */
import type { ConnectionsPath } from '../config.js';
import { badUserInput } from '../errors.js';

/** Longest id or connection id accepted, in UTF-16 code units. */
export const MAX_KEY_LENGTH = 512;

/**
 * Encodes one opaque key as one path segment. Everything but unreserved characters is percent-encoded,
 * including `'`, `(` and `)` that encodeURIComponent keeps (they would read as OData key syntax), and a
 * segment of only dots (`.`, `..`) is sent as `%2E…` so no URL normalisation can treat it as a dot segment.
 */
export function encodeKeySegment(key: string): string {
  const encoded = encodeURIComponent(key).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return /^\.+$/.test(encoded) ? encoded.replace(/\./g, '%2E') : encoded;
}

/**
 * Checks a client-supplied key before it is used: empty keys would turn a read by key into a collection
 * read, control characters have no business in an id, and very long ones only cost. Throws BAD_USER_INPUT.
 */
export function assertValidKey(key: string, argument: string): string {
  if (key.length === 0) throw badUserInput(`\`${argument}\` must not be empty.`, argument);
  if (key.length > MAX_KEY_LENGTH) {
    throw badUserInput(`\`${argument}\` is longer than ${MAX_KEY_LENGTH} characters.`, argument);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(key)) {
    throw badUserInput(`\`${argument}\` must not contain control characters.`, argument);
  }
  if (!key.isWellFormed()) throw badUserInput(`\`${argument}\` is not well-formed Unicode.`, argument);
  return key;
}

/** `{connections}/{cid}/operations`, relative to the service root. */
export function operationsPath(connectionsPath: ConnectionsPath, connectionId: string): string {
  return `${connectionsPath}/${encodeKeySegment(connectionId)}/operations`;
}

/** `{connections}/{cid}/operations/{id}`, relative to the service root. */
export function operationPath(connectionsPath: ConnectionsPath, connectionId: string, id: string): string {
  return `${operationsPath(connectionsPath, connectionId)}/${encodeKeySegment(id)}`;
}

/** `{connections}/{cid}/operations/$ref`, relative to the service root. */
export function operationsRefPath(connectionsPath: ConnectionsPath, connectionId: string): string {
  return `${operationsPath(connectionsPath, connectionId)}/$ref`;
}

/** Serialises query options in OData style: `$` kept literal, values percent-encoded. */
export function formatQuery(options: Record<string, string | undefined>): string {
  const parts = Object.entries(options)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
