/**
 * Which media type yoga answers a query or mutation in, from the request's Accept header: the rule of
 * yoga's result processors (graphql-yoga `plugins/use-result-processor.js` and `result-processor/accept.js`),
 * restated for the request handler's direct path, which answers only where yoga's "regular" JSON processor would.
 *
 * Yoga lists the Accept entries (whitespace removed, lower-cased, entries with a charset other than utf-8
 * dropped), and for each of its processors (SSE, multipart, then regular JSON) each entry (last first) and
 * each of the processor's media types, in that order; the last match wins. The regular processor comes
 * last, so it wins whenever any entry matches one of its types; among its matches the winner is the first
 * matching entry in the header, answered as `application/json` when that entry matches it (`*\/*`,
 * `application/*`, `application/json`), else as `application/graphql-response+json`.
 * test/gateway/lean-handler.test.ts checks this against yoga itself on a corpus of headers.
 */
export type RegularMediaType = 'application/json' | 'application/graphql-response+json';

const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
const JSON_TYPE = 'application/json';

/** Whether `asked` (an Accept entry, possibly with wildcards) covers `offered` (yoga's isMatchingMediaType). */
function covers(asked: string, offered: string): boolean {
  const slash = asked.indexOf('/');
  const askedType = slash < 0 ? asked : asked.slice(0, slash);
  const askedSubtype = slash < 0 ? undefined : asked.slice(slash + 1).split('/')[0];
  const [offeredType, offeredSubtype] = offered.split('/');
  return (askedType === '*' || askedType === offeredType) && (askedSubtype === '*' || askedSubtype === offeredSubtype);
}

/** The media type of a regular (non-streamed) answer, or undefined when yoga would not answer with JSON. */
export function regularMediaType(accept: string | undefined): RegularMediaType | undefined {
  const entries = (accept || '*/*').replace(/\s/g, '').toLowerCase().split(',');
  for (const entry of entries) {
    const [mediaType, ...parameters] = entry.split(';');
    if (mediaType === undefined) continue;
    const charset = parameters.find((parameter) => parameter.includes('charset=')) ?? 'charset=utf-8';
    if (charset !== 'charset=utf-8') continue;
    if (covers(mediaType, JSON_TYPE)) return JSON_TYPE;
    if (covers(mediaType, GRAPHQL_RESPONSE_JSON)) return GRAPHQL_RESPONSE_JSON;
  }
  return undefined;
}

/**
 * regularMediaType, remembered for the few distinct Accept headers clients send (each client library sends
 * one, on every request) instead of parsed on every request. Bounded, as the header is the client's to
 * choose: headers past the first {@link MediaTypeMemo.MAX_ENTRIES}, or longer than
 * {@link MediaTypeMemo.MAX_CHARS}, are parsed each time.
 */
export class MediaTypeMemo {
  static readonly MAX_ENTRIES = 64;
  static readonly MAX_CHARS = 256;
  private readonly known = new Map<string | undefined, RegularMediaType | undefined>();

  of(accept: string | undefined): RegularMediaType | undefined {
    const known = this.known.get(accept);
    if (known !== undefined || this.known.has(accept)) return known;
    const mediaType = regularMediaType(accept);
    if (this.known.size < MediaTypeMemo.MAX_ENTRIES && (accept === undefined || accept.length <= MediaTypeMemo.MAX_CHARS)) this.known.set(accept, mediaType);
    return mediaType;
  }

  /** Headers remembered (for tests). */
  get size(): number {
    return this.known.size;
  }
}
