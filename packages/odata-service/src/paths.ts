/**
 * Resource paths: from the raw request path (as Node delivers it, undecoded) to the addressed resource.
 *
 * The order of steps is the point of this module:
 *  1. split the RAW path on '/', so an encoded slash (`%2F`) stays inside its segment;
 *  2. remove raw dot-segments (`.`/`..`) as any HTTP server or proxy in front of Graph would: a client
 *     that sends an id `..` unencoded really does address the parent resource, which is the bug we want
 *     tests to expose. Encoded dots (`%2E%2E`) are data and are never resolved (hence no `new URL()`);
 *  3. percent-decode each segment on its own.
 *
 * System segments (`$ref`, `$count`, `$batch`, `$metadata`) are recognised in their raw form only, so an
 * operation whose id is literally `$ref` is still addressable as `%24ref`.
 */
import { badRequest, segmentNotFound } from './errors.js';

export type PathFamily = 'connections' | 'external/connections';

export type Resource =
  | { kind: 'serviceDocument' }
  | { kind: 'metadata' }
  | { kind: 'batch' }
  | { kind: 'external' }
  | { kind: 'connections'; family: PathFamily }
  | { kind: 'connection'; family: PathFamily; connectionId: string }
  | { kind: 'schema'; family: PathFamily; connectionId: string }
  | { kind: 'operations'; family: PathFamily; connectionId: string }
  | { kind: 'operationsCount'; family: PathFamily; connectionId: string }
  | { kind: 'operationsRef'; family: PathFamily; connectionId: string }
  | { kind: 'operation'; family: PathFamily; connectionId: string; operationId: string };

/** RFC 3986 remove_dot_segments on raw segments; a leading '' (from the leading '/') is kept. */
function removeDotSegments(segments: readonly string[]): string[] {
  const out: string[] = [];
  for (const segment of segments) {
    if (segment === '.') continue;
    if (segment === '..') {
      if (out.length > 1) out.pop();
      continue;
    }
    out.push(segment);
  }
  // A path ending in a dot segment addresses a "directory": keep the trailing slash semantics.
  const last = segments[segments.length - 1];
  if ((last === '.' || last === '..') && out[out.length - 1] !== '') out.push('');
  return out;
}

/** Raw segments of a raw absolute path, dot segments removed. `'/a/b'` → `['a', 'b']`. */
export function rawSegments(rawPath: string): string[] {
  const segments = removeDotSegments(rawPath.split('/'));
  if (segments[0] === '') segments.shift();
  return segments;
}

/** Splits `basePath` (e.g. '/beta') into segments; '' or '/' is the server root. */
export function baseSegments(basePath: string): string[] {
  return basePath.split('/').filter((segment) => segment !== '');
}

/**
 * Segments of `rawPath` below the service root, or undefined when the path is not under it.
 * One trailing slash is tolerated (`/beta/connections/` = `/beta/connections`).
 */
export function segmentsUnderBase(rawPath: string, base: readonly string[]): string[] | undefined {
  const segments = rawSegments(rawPath);
  if (segments.length < base.length) return undefined;
  for (let i = 0; i < base.length; i++) if (segments[i] !== base[i]) return undefined;
  const rest = segments.slice(base.length);
  if (rest.length > 0 && rest[rest.length - 1] === '') rest.pop();
  return rest;
}

export function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badRequest(`The path segment '${raw}' contains a malformed percent-encoding.`);
  }
}

/** Percent-encodes one id as a path segment; `.`/`..` are encoded too so they can never act as dot segments. */
export function encodeSegment(value: string): string {
  const encoded = encodeURIComponent(value);
  return encoded === '.' || encoded === '..' ? encoded.replace(/\./g, '%2E') : encoded;
}

/** Parses an OData string key literal: `'it''s'` → `it's`. Undefined when not exactly one quoted literal. */
function parseKeyLiteral(text: string): string | undefined {
  const literal = text.startsWith('id=') ? text.slice(3) : text;
  if (literal.length < 2 || !literal.startsWith("'") || !literal.endsWith("'")) return undefined;
  const body = literal.slice(1, -1);
  // Every quote inside must be doubled.
  if (/'/.test(body.replace(/''/g, ''))) return undefined;
  return body.replace(/''/g, "'");
}

/**
 * Splits a decoded segment like `operations('x')` into name and key. Undefined key = plain segment.
 * A segment with parentheses that are not a valid string key is a 400 (it is clearly meant as a key).
 */
function keyedSegment(decoded: string, name: string): { matches: boolean; key?: string } {
  if (decoded === name) return { matches: true };
  if (!decoded.startsWith(`${name}(`) || !decoded.endsWith(')')) return { matches: false };
  const key = parseKeyLiteral(decoded.slice(name.length + 1, -1));
  if (key === undefined) {
    throw badRequest(`The key in segment '${decoded}' is not a valid string literal; write ${name}('value') with quotes doubled inside.`);
  }
  return { matches: true, key };
}

/** Resolves the segments below `connections` (the first is the `connections` segment itself). */
function resolveConnections(family: PathFamily, segments: readonly string[]): Resource {
  const first = keyedSegment(decodeSegment(segments[0] ?? ''), 'connections');
  let connectionId: string;
  let index: number;
  if (first.key !== undefined) {
    connectionId = first.key;
    index = 1;
  } else {
    if (segments.length === 1) return { kind: 'connections', family };
    connectionId = decodeSegment(segments[1] ?? '');
    index = 2;
  }
  if (index === segments.length) return { kind: 'connection', family, connectionId };

  const navRaw = segments[index] ?? '';
  // `schema` is single-valued: no key, nothing below it.
  if (decodeSegment(navRaw) === 'schema') {
    if (index + 1 < segments.length) throw segmentNotFound(decodeSegment(segments[index + 1] ?? ''));
    return { kind: 'schema', family, connectionId };
  }
  const nav = keyedSegment(decodeSegment(navRaw), 'operations');
  if (!nav.matches) throw segmentNotFound(decodeSegment(navRaw));
  if (nav.key !== undefined) {
    if (index + 1 < segments.length) throw segmentNotFound(decodeSegment(segments[index + 1] ?? ''));
    return { kind: 'operation', family, connectionId, operationId: nav.key };
  }
  if (index + 1 === segments.length) return { kind: 'operations', family, connectionId };
  const keyRaw = segments[index + 1] ?? '';
  if (index + 2 < segments.length) throw segmentNotFound(decodeSegment(segments[index + 2] ?? ''));
  if (keyRaw === '$ref') return { kind: 'operationsRef', family, connectionId };
  if (keyRaw === '$count') return { kind: 'operationsCount', family, connectionId };
  return { kind: 'operation', family, connectionId, operationId: decodeSegment(keyRaw) };
}

/** Maps segments below the service root to a resource; unknown paths throw a 404 ODataError. */
export function resolveResource(segments: readonly string[]): Resource {
  const [first, second] = segments;
  if (first === undefined) return { kind: 'serviceDocument' };
  if (segments.includes('')) throw segmentNotFound('');
  if (first === '$metadata' && segments.length === 1) return { kind: 'metadata' };
  if (first === '$batch' && segments.length === 1) return { kind: 'batch' };
  if (decodeSegment(first) === 'external') {
    if (second === undefined) return { kind: 'external' };
    if (!keyedSegment(decodeSegment(second), 'connections').matches) throw segmentNotFound(decodeSegment(second));
    return resolveConnections('external/connections', segments.slice(1));
  }
  if (keyedSegment(decodeSegment(first), 'connections').matches) return resolveConnections('connections', segments);
  throw segmentNotFound(decodeSegment(first));
}
