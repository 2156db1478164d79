import { describe, expect, it } from 'vitest';
import type { GraphQLError } from 'graphql';
import { decodeCursor, encodeCursor, listFingerprint } from '../../src/odata/cursor.js';

const query = listFingerprint("status eq 'failed'", undefined);
const expected = { serviceRoot: 'http://127.0.0.1:9000/beta', connectionsPath: 'connections', connectionId: 'c 1', query };

function refusal(cursor: string, against = expected): unknown {
  try {
    decodeCursor(cursor, against);
  } catch (error) {
    return (error as GraphQLError).extensions.code;
  }
  return 'accepted';
}

const make = (link: string, skip = 0, q = query) => encodeCursor({ link, skip, query: q });

describe('cursors', () => {
  it('round-trips a link under the service root', () => {
    const link = 'http://127.0.0.1:9000/beta/connections/c%201/operations?$skiptoken=abc';
    expect(decodeCursor(make(link, 3), expected)).toEqual({ link, skip: 3, query });
  });

  it.each([
    ['another host', 'http://evil.example/beta/connections/c%201/operations'],
    ['another port', 'http://127.0.0.1:9001/beta/connections/c%201/operations'],
    ['another scheme', 'https://127.0.0.1:9000/beta/connections/c%201/operations'],
    ['another connection', 'http://127.0.0.1:9000/beta/connections/c2/operations'],
    ['another collection', 'http://127.0.0.1:9000/beta/connections/c%201'],
    ['an entity', 'http://127.0.0.1:9000/beta/connections/c%201/operations/x'],
    ['dot segments', 'http://127.0.0.1:9000/beta/connections/c%201/operations/../../../admin'],
    ['encoded dot segments', 'http://127.0.0.1:9000/beta/connections/c%201/operations/%2e%2e/%2E%2E/x'],
    ['credentials', 'http://user:pw@127.0.0.1:9000/beta/connections/c%201/operations'],
    ['a fragment', 'http://127.0.0.1:9000/beta/connections/c%201/operations#x'],
    ['no base path', 'http://127.0.0.1:9000/connections/c%201/operations'],
    ['not a URL', 'javascript:alert(1)'],
    ['a file URL', 'file:///etc/passwd'],
  ])('refuses a link to %s', (_name, link) => {
    expect(refusal(make(link))).toBe('BAD_USER_INPUT');
  });

  it('refuses garbage, wrong shapes and changed list arguments', () => {
    expect(refusal('')).toBe('BAD_USER_INPUT');
    expect(refusal('not base64!')).toBe('BAD_USER_INPUT');
    expect(refusal(Buffer.from('{"a":1}').toString('base64url'))).toBe('BAD_USER_INPUT');
    expect(refusal(Buffer.from('[2,"http://127.0.0.1:9000/beta/connections/c%201/operations",0,""]').toString('base64url'))).toBe('BAD_USER_INPUT');
    expect(refusal('A'.repeat(9000))).toBe('BAD_USER_INPUT');
    const link = 'http://127.0.0.1:9000/beta/connections/c%201/operations';
    expect(refusal(make(link, -1))).toBe('BAD_USER_INPUT');
    expect(refusal(make(link, 1.5))).toBe('BAD_USER_INPUT');
    expect(refusal(make(link, 0, listFingerprint(undefined, undefined)))).toBe('BAD_USER_INPUT');
  });
});
