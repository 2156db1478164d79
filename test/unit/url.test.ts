import { describe, expect, it } from 'vitest';
import { collectionLink, encodeKeySegment, formatQuery, isLinkToCollection, operationPath, operationsPath } from '../../src/odata/url.js';

describe('encodeKeySegment', () => {
  it.each([
    ['plain', 'plain'],
    ['a/b', 'a%2Fb'],
    ["it's", 'it%27s'],
    ['100%', '100%25'],
    ['what?', 'what%3F'],
    ['#frag', '%23frag'],
    ['with space', 'with%20space'],
    ['ünïcødé', '%C3%BCn%C3%AFc%C3%B8d%C3%A9'],
    ["('x')", '%28%27x%27%29'],
    ['.', '%2E'],
    ['..', '%2E%2E'],
    ['...', '%2E%2E%2E'],
    ['a.b', 'a.b'],
    ['$batch', '%24batch'],
  ])('encodes %j as one segment %j', (id, expected) => {
    const encoded = encodeKeySegment(id);
    expect(encoded).toBe(expected);
    expect(encoded).not.toMatch(/[/?#'()]/);
    expect(decodeURIComponent(encoded)).toBe(id);
  });

  it('keeps a path built from hostile ids under the collection', () => {
    // What goes on the wire is this string as it is (undici does not normalise paths).
    for (const id of ['..', '.', '../..', '../../admin', '%2e%2e', '?$top=1', '#x', '/']) {
      const path = `beta/${operationPath('connections', 'c1', id)}`;
      const segments = path.split('/');
      expect(segments).toHaveLength(5);
      expect(segments.slice(0, 4)).toEqual(['beta', 'connections', 'c1', 'operations']);
      expect(segments[4]).not.toMatch(/^\.+$/);
      expect(path).not.toMatch(/[?#]/);
      expect(decodeURIComponent(segments[4]!)).toBe(id);
    }
  });
});

describe('isLinkToCollection', () => {
  const root = 'http://up:8080/beta';
  const path = operationsPath('connections', 'c 1');
  it.each([
    [`${root}/connections/c%201/operations?$skiptoken=4`, true],
    [`${root}/connections/c%201/operations`, true],
    // Dot segments, plain or encoded, and backslashes: URL parsing would resolve them, a server might not.
    [`http://up:8080/beta/connections/c%201/operations/../operations?$top=1`, false],
    [`http://up:8080/beta/connections/c%201/x/%2E%2E/operations`, false],
    [`http://up:8080/beta/connections/c%201/operations/.`, false],
    [`http://up:8080/beta\\connections/c%201/operations`, false],
    [`http://up:8080/beta/connections/c%201/operations?$skiptoken=${'x'.repeat(16_384)}`, false],
    [`http://up:8080/beta/connections/c%201/operations?$filter=id eq 'a'`, true],
    [`http://up:8081/beta/connections/c%201/operations`, false],
    [`https://up:8080/beta/connections/c%201/operations`, false],
    [`http://evil/beta/connections/c%201/operations`, false],
    [`http://user:pw@up:8080/beta/connections/c%201/operations`, false],
    [`${root}/connections/c%201/operations#x`, false],
    [`${root}/connections/c%202/operations`, false],
    [`${root}/connections/c%201/operations/x`, false],
    [`${root}/connections/c%201/operations/..`, false],
    [`${root}/connections/c%201/%24metadata`, false],
    [`${root}/connections/c%ZZ1/operations`, false],
    ['not a url', false],
  ])('%s → %s', (link, expected) => {
    expect(isLinkToCollection(link, root, path)).toBe(expected);
  });
});

describe('collectionLink', () => {
  const root = 'http://up:8080/beta';
  const path = operationsPath('connections', 'c/1');
  const page = `${root}/connections/c%2F1/operations?$top=5`;
  it('keeps an absolute link exactly as received', () => {
    const link = `${root}/connections/c%2F1/operations?$filter=id%20eq%20'a'&$skiptoken=Zm9v`;
    expect(collectionLink(link, page, root, path)).toBe(link);
  });
  it('resolves a relative link against the page that brought it', () => {
    expect(collectionLink('operations?$skiptoken=2', page, root, path)).toBe(`${root}/connections/c%2F1/operations?$skiptoken=2`);
    expect(collectionLink('?$skiptoken=2', page, root, path)).toBe(`${root}/connections/c%2F1/operations?$skiptoken=2`);
    expect(collectionLink('/beta/connections/c%2F1/operations?$skiptoken=2', page, root, path)).toBe(`${root}/connections/c%2F1/operations?$skiptoken=2`);
    expect(collectionLink('../c%2F2/operations', page, root, path)).toBeUndefined();
    expect(collectionLink('//evil/beta/connections/c%2F1/operations', page, root, path)).toBeUndefined();
  });
  it('encodes what cannot go on a request line, and refuses what leaves the collection', () => {
    expect(collectionLink(`${root}/connections/c%2F1/operations?$filter=id eq 'é'`, page, root, path)).toBe(`${root}/connections/c%2F1/operations?$filter=id%20eq%20%27%C3%A9%27`);
    expect(collectionLink(`${root}/connections/c%2F1/operations?$filter=id eq 1`, page, root, path)).toBe(`${root}/connections/c%2F1/operations?$filter=id%20eq%201`);
    expect(collectionLink(`${root}/connections/c%2F1/operations?$skiptoken=a\u007f`, page, root, path)).toBe(`${root}/connections/c%2F1/operations?$skiptoken=a%7F`);
    expect(collectionLink(`${root}/connections/c/1/operations`, page, root, path)).toBeUndefined();
    // A shorter path (the collection's parent), and credentials in a protocol-relative link.
    expect(collectionLink(`${root}/connections`, page, root, path)).toBeUndefined();
    expect(collectionLink(`${root}/connections/c%2F1`, page, root, path)).toBeUndefined();
    expect(collectionLink('//user@up:8080/beta/connections/c%2F1/operations', page, root, path)).toBeUndefined();
    expect(collectionLink('//:pw@up:8080/beta/connections/c%2F1/operations', page, root, path)).toBeUndefined();
    expect(collectionLink('//up:8080/beta/connections/c%2F1/operations', page, root, path)).toBe(`${root}/connections/c%2F1/operations`);
    expect(collectionLink(`HTTP://UP:8080/beta/connections/c%2F1/operations`, page, root, path)).toBeUndefined();
    expect(collectionLink(`${root}/connections/c%2F1/operations#f`, page, root, path)).toBeUndefined();
    expect(collectionLink(`javascript:alert(1)`, page, root, path)).toBeUndefined();
  });
});

describe('formatQuery', () => {
  it('keeps $ names and encodes values', () => {
    expect(formatQuery({ $select: 'id,status', $filter: "id eq 'a&b'", $top: undefined })).toBe(
      "?$select=id%2Cstatus&$filter=id%20eq%20'a%26b'",
    );
    expect(formatQuery({})).toBe('');
  });
});
