/**
 * Query string handling: splitting the raw query, decoding it, and parsing/validating the OData system
 * query options this service supports (`$select $filter $orderby $top $skip $count $skiptoken`).
 *
 * Decoding follows `application/x-www-form-urlencoded` (`+` is a space, a literal plus is `%2B`), which
 * is what `URLSearchParams` produces and what Microsoft Graph accepts.
 *
 * Validation is strict on purpose: an unknown or unsupported `$`-option, an unknown property or a bad
 * number is a 400, never silently ignored, so a client that builds a wrong URL finds out immediately.
 * Options without `$` are custom query options and are ignored, as OData prescribes.
 */
import { badRequest } from './errors.js';
import { type FilterExpr, parseFilter } from './filter.js';
import { OPERATION_PROPERTIES, type OperationProperty, isOperationProperty, OPERATION_TYPE } from './model.js';

/** One `name=value` pair of the query string, raw (as received) and decoded. */
export interface QueryEntry {
  rawName: string;
  rawValue: string | undefined;
  name: string;
  value: string;
}

export type SystemQueryOption = '$select' | '$filter' | '$orderby' | '$top' | '$skip' | '$count' | '$skiptoken';

export interface OrderKey {
  property: 'id' | 'status';
  descending: boolean;
}

export interface QueryOptions {
  /** Properties to return (`id` is always returned in addition); undefined = all. */
  select?: OperationProperty[];
  filter?: FilterExpr;
  orderby: OrderKey[];
  /** Page size requested by the client (Graph semantics: capped at the server page size; see paging.ts). */
  top?: number;
  /** Parsed so that a malformed value is a 400, but never applied: collections refuse or ignore it (paging.ts). */
  skip?: number;
  count: boolean;
  /** The `$skiptoken` as received; opaque, checked against the request by paging.ts / skiptoken.ts. */
  skiptoken?: string;
}

const SUPPORTED: readonly SystemQueryOption[] = ['$select', '$filter', '$orderby', '$top', '$skip', '$count', '$skiptoken'];
/** Standard OData options this stand-in does not implement: named so the 400 says "not supported" rather than "unknown". */
const UNSUPPORTED = new Set([
  '$expand',
  '$search',
  '$format',
  '$apply',
  '$compute',
  '$levels',
  '$index',
  '$schemaversion',
  '$deltatoken',
  '$id',
]);

/** Percent-decodes one query component, `+` meaning space. Malformed escapes are a 400. */
export function decodeQueryComponent(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw badRequest(`The query string contains a malformed percent-encoding: '${raw}'.`);
  }
}

/** Splits a raw query string (without the leading `?`) into entries, keeping the raw form for next links. */
export function parseQueryString(rawQuery: string): QueryEntry[] {
  const entries: QueryEntry[] = [];
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const rawName = eq < 0 ? piece : piece.slice(0, eq);
    const rawValue = eq < 0 ? undefined : piece.slice(eq + 1);
    entries.push({
      rawName,
      rawValue,
      name: decodeQueryComponent(rawName),
      value: rawValue === undefined ? '' : decodeQueryComponent(rawValue),
    });
  }
  return entries;
}

/** Decoded query as a plain record (last value wins); used for request recording. */
export function queryRecord(entries: readonly QueryEntry[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const entry of entries) record[entry.name] = entry.value;
  return record;
}

function parseSelect(value: string): OperationProperty[] {
  const items = value.split(',').map((item) => item.trim());
  const selected = new Set<OperationProperty>();
  for (const item of items) {
    if (item === '') throw badRequest(`Invalid $select '${value}': empty item; list property names separated by commas.`);
    if (item === '*') {
      for (const property of OPERATION_PROPERTIES) selected.add(property);
    } else if (isOperationProperty(item)) {
      selected.add(item);
    } else {
      throw badRequest(
        `Invalid $select: could not find a property named '${item}' on type '${OPERATION_TYPE}'; properties are ${OPERATION_PROPERTIES.join(', ')}.`,
      );
    }
  }
  return OPERATION_PROPERTIES.filter((property) => selected.has(property));
}

function parseOrderBy(value: string): OrderKey[] {
  const keys: OrderKey[] = [];
  for (const item of value.split(',')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_./]*)(?:\s+([A-Za-z]+))?\s*$/.exec(item);
    if (!match) throw badRequest(`Invalid $orderby '${value}': expected 'property [asc|desc]' items separated by commas.`);
    const property = match[1] ?? '';
    const direction = match[2];
    if (property !== 'id' && property !== 'status') {
      throw badRequest(`Invalid $orderby: cannot order by '${property}'; orderable properties are id, status.`);
    }
    if (direction !== undefined && direction !== 'asc' && direction !== 'desc') {
      throw badRequest(`Invalid $orderby: direction '${direction}' must be 'asc' or 'desc'.`);
    }
    if (keys.some((key) => key.property === property)) {
      throw badRequest(`Invalid $orderby: property '${property}' appears more than once.`);
    }
    keys.push({ property, descending: direction === 'desc' });
  }
  return keys;
}

function parseNonNegativeInt(name: string, value: string): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw badRequest(`Invalid ${name} '${value}': must be a non-negative integer.`);
  return n;
}

function parseBoolean(name: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw badRequest(`Invalid ${name} '${value}': must be true or false.`);
}

/**
 * Validates the system query options of one request.
 * @param allowed options the addressed resource supports; anything else starting with `$` is a 400.
 * @param resource words for the error message, e.g. "a single connectionOperation".
 */
export function parseQueryOptions(entries: readonly QueryEntry[], allowed: readonly SystemQueryOption[], resource: string): QueryOptions {
  const options: QueryOptions = { orderby: [], count: false };
  const seen = new Set<string>();
  for (const { name, value } of entries) {
    if (!name.startsWith('$')) continue; // custom query option: ignored, per OData
    if (seen.has(name)) throw badRequest(`The query option '${name}' is specified more than once.`);
    seen.add(name);
    if (UNSUPPORTED.has(name)) throw badRequest(`The query option '${name}' is not supported by this service.`);
    if (!(SUPPORTED as readonly string[]).includes(name)) {
      throw badRequest(`Unknown system query option '${name}'; supported are ${SUPPORTED.join(', ')} (names are lower-case).`);
    }
    const option = name as SystemQueryOption;
    if (!allowed.includes(option)) {
      throw badRequest(`The query option '${name}' is not supported on ${resource}${allowed.length ? `; allowed: ${allowed.join(', ')}` : ''}.`);
    }
    switch (option) {
      case '$select':
        options.select = parseSelect(value);
        break;
      case '$filter':
        options.filter = parseFilter(value);
        break;
      case '$orderby':
        options.orderby = parseOrderBy(value);
        break;
      case '$top':
        options.top = parseNonNegativeInt('$top', value);
        break;
      case '$skip':
        options.skip = parseNonNegativeInt('$skip', value);
        break;
      case '$count':
        options.count = parseBoolean('$count', value);
        break;
      case '$skiptoken':
        options.skiptoken = value;
        break;
    }
  }
  return options;
}

/** Raw query string of the next page: the original options (raw, as the client wrote them) plus `$skiptoken`. */
export function nextLinkQuery(entries: readonly QueryEntry[], skiptoken: string): string {
  const kept = entries
    .filter((entry) => entry.name !== '$skiptoken')
    .map((entry) => (entry.rawValue === undefined ? entry.rawName : `${entry.rawName}=${entry.rawValue}`));
  // Tokens are base64url: nothing to percent-encode.
  kept.push(`$skiptoken=${skiptoken}`);
  return kept.join('&');
}
