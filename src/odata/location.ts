/**
 * The operation a write's `Location` names (DESIGN.md 2.1). A Location is upstream input: it is used only
 * when, resolved against the URL of the request it answers, it has the service root's origin, no userinfo
 * or fragment, and its path is exactly `{root}/{connections}/{cid}/operations/{operationId}` for the same
 * connection and path family, spelled so that no URL normalisation changes it (no dot segments, plain or
 * encoded, no backslashes, no encoded `/` in the operation's segment). Then only the operation's key is
 * taken from it, and the operation is read through the normal read path: the Location itself is never
 * fetched. Pure: no I/O.
 */

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** A path or relative reference that URL parsing would rewrite: dot segments (plain or encoded) or backslashes. */
const NORMALISED = /(^|\/)(\.|%2e){1,2}(\/|$|\?|#)|\\/i;

/**
 * The operationId a `Location` names for `connectionId`, or undefined when it is anything else.
 * @param requestUrl the absolute URL of the write it answers (a relative Location resolves against it)
 * @param serviceRoot the service root, as the upstream client spells it (url.ts)
 * @param connectionsPath `connections` or `external/connections`
 */
export function operationOfLocation(location: string | undefined, requestUrl: string, serviceRoot: string, connectionsPath: string, connectionId: string): string | undefined {
  if (location === undefined || location.length > 4096) return undefined;
  const rawPath = location.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/, 1)[0]!;
  if (NORMALISED.test(rawPath)) return undefined;
  let url: URL;
  try {
    url = new URL(location, requestUrl);
  } catch {
    return undefined;
  }
  const root = new URL(serviceRoot);
  if (url.origin !== root.origin || url.username !== '' || url.password !== '' || url.hash !== '') return undefined;
  const want = [...root.pathname.split('/').filter(Boolean), ...connectionsPath.split('/')];
  const got = url.pathname.split('/').slice(1);
  if (got.length !== want.length + 3) return undefined;
  for (let i = 0; i < want.length; i++) if (decode(got[i]!) !== want[i]) return undefined;
  const [connection, operations, operation] = got.slice(want.length) as [string, string, string];
  if (decode(connection) !== connectionId || operations !== 'operations') return undefined;
  if (/%2f/i.test(operation)) return undefined;
  const operationId = decode(operation);
  return operationId === undefined || operationId === '' ? undefined : operationId;
}
