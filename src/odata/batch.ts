/**
 * Pure building and reading of OData JSON `$batch` bodies (OData JSON Format 4.01 §19, as Microsoft Graph
 * implements it): `{"requests":[{id, method, url}]}` in, `{"responses":[{id, status, headers, body}]}` out,
 * responses in any order, each part failing on its own.
 */
import { INCLUDE_UNKNOWN_ENUM_MEMBERS } from './enums.js';
import { UpstreamError } from './errors.js';
import { isRecord } from './json.js';

export interface BatchPart {
  /** Unique within one batch. */
  id: string;
  method: 'GET';
  /** Relative to the service root, with a leading slash (`/connections/c/operations/x?$select=id`). */
  url: string;
}

export interface BatchPartResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string | undefined>;
  body: unknown;
}

export interface BatchRequestBody {
  requests: Array<{ id: string; method: string; url: string; headers: Record<string, string> }>;
}

export function buildBatchBody(parts: readonly BatchPart[]): BatchRequestBody {
  return {
    requests: parts.map((part) => ({
      id: part.id,
      method: part.method,
      url: part.url,
      // Each part is its own request to Graph: it needs its own Prefer (see client.ts).
      headers: { accept: 'application/json', prefer: INCLUDE_UNKNOWN_ENUM_MEMBERS },
    })),
  };
}


function lowerCaseHeaders(value: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!isRecord(value)) return out;
  for (const [name, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number') out[name.toLowerCase()] = String(v);
  }
  return out;
}

/** A part body is JSON; some services send it as a JSON string. */
function partBody(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** A part id the upstream answered more than once: neither answer may fill the read. */
export const DUPLICATED = 'duplicated';

/**
 * Reads a `$batch` response into a map from part id to its response. Only ids that were asked for are kept;
 * a part the upstream left out is simply missing from the map (the caller fails that part alone), and a part
 * answered twice maps to {@link DUPLICATED}: which answer is the right one cannot be known.
 * Throws UPSTREAM_ERROR when the body is not a batch response at all.
 */
export function parseBatchResponse(body: unknown, askedIds: ReadonlySet<string>): Map<string, BatchPartResponse | typeof DUPLICATED> {
  if (!isRecord(body) || !Array.isArray(body.responses)) throw UpstreamError.malformed(200);
  const out = new Map<string, BatchPartResponse | typeof DUPLICATED>();
  const seen = new Set<string>();
  for (const response of body.responses) {
    if (!isRecord(response)) continue;
    const id = typeof response.id === 'string' ? response.id : typeof response.id === 'number' ? String(response.id) : undefined;
    if (id === undefined || !askedIds.has(id)) continue;
    if (seen.has(id)) {
      out.set(id, DUPLICATED);
      continue;
    }
    seen.add(id);
    const status = typeof response.status === 'number' ? response.status : Number(response.status);
    if (Number.isInteger(status)) out.set(id, { status, headers: lowerCaseHeaders(response.headers), body: partBody(response.body) });
  }
  return out;
}
