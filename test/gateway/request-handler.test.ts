/**
 * The gateway's request handler against yoga itself as the reference: one gateway, served by the gateway's
 * server (the direct path where it applies) and, on a second port, by its yoga instance alone (node:http
 * straight into yoga, the reference answer), gets the same raw HTTP requests, and every answer must be
 * the same (status, headers, body), while the handler's counts show which path each request took:
 * executed on the direct path, left to yoga unread, or read and replayed through yoga. A corpus case that
 * only passes because the direct path stepped aside would show up in those counts.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { encodeGlobalId } from '../../src/global-id.js';
import type { RequestHandlerStats } from '../../src/http/request-handler.js';
import { loadQueryCompiler } from '../../src/http/query-plans.js';
import { MediaTypeMemo, regularMediaType } from '../../src/http/regular-media-type.js';
import { createLogger } from '../../src/logger.js';
import { serveGateway, type RunningServer } from '../../src/server.js';
import { createODataService, type ODataService } from '@odata-gateway/odata-service';
import { testConfig } from '../support/config.js';
import { send, type RawRequest } from '../support/raw-http.js';

const json = (value: unknown) => JSON.stringify(value);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const LIST = '{ connectionOperations(connectionId: "contosohr", first: 2) { nodes { id operationId status error { errorCode message } } pageInfo { hasNextPage endCursor } } }';
const BY_KEY = 'query One($c: ID!, $o: ID!) { connectionOperation(connectionId: $c, operationId: $o) { id operationId status } }';
const PERSISTED = '{ externalConnections(first: 1) { nodes { connectionId name } } }';
const NODES = 'query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ...Operation ... on ExternalConnection { connectionId name } } } fragment Operation on ConnectionOperation { operationId connectionId status }';
const OPERATION_ID = encodeGlobalId({ type: 'ConnectionOperation', connectionId: 'contosohr', operationId: 'hr-op-001' });
const FAILED_ID = encodeGlobalId({ type: 'ConnectionOperation', connectionId: 'contosohr', operationId: 'hr-op-004' });
const CONNECTION_ID = encodeGlobalId({ type: 'ExternalConnection', connectionId: 'contosotickets' });
const JSON_TYPE = { 'content-type': 'application/json' };
const GRAPHQL_RESPONSE = { ...JSON_TYPE, accept: 'application/graphql-response+json' };

type Path = keyof RequestHandlerStats;

/** [name, request, the path the gateway's handler takes] */
const corpus: Array<[string, RawRequest, Path]> = [
  ['a list query, no Accept', { headers: JSON_TYPE, body: json({ query: LIST }) }, 'direct'],
  ['a list query, graphql-response+json', { headers: GRAPHQL_RESPONSE, body: json({ query: LIST }) }, 'direct'],
  ['by key with variables and operationName', { headers: GRAPHQL_RESPONSE, body: json({ query: BY_KEY, variables: { c: 'contosohr', o: 'hr-schema-1' }, operationName: 'One' }) }, 'direct'],
  ['not found upstream (a field error)', { headers: GRAPHQL_RESPONSE, body: json({ query: BY_KEY, variables: { c: 'contosohr', o: 'nope' } }) }, 'direct'],
  ['a connection that does not exist (upstream 404 on a list)', { headers: JSON_TYPE, body: json({ query: LIST.replace('contosohr', 'nosuch') }) }, 'direct'],
  ['a validation error, graphql-response+json', { headers: GRAPHQL_RESPONSE, body: json({ query: '{ nope }' }) }, 'replayed'],
  ['a validation error, application/json', { headers: { ...JSON_TYPE, accept: 'application/json' }, body: json({ query: '{ nope }' }) }, 'replayed'],
  ['a syntax error', { headers: GRAPHQL_RESPONSE, body: json({ query: '{ connectionOperations(' }) }, 'replayed'],
  ['a variable of the wrong type', { headers: GRAPHQL_RESPONSE, body: json({ query: BY_KEY, variables: { c: 1, o: { x: 1 } } }) }, 'direct'],
  ['a required variable missing', { headers: JSON_TYPE, body: json({ query: BY_KEY, variables: {} }) }, 'direct'],
  ['an unknown operationName', { headers: GRAPHQL_RESPONSE, body: json({ query: BY_KEY, operationName: 'Other' }) }, 'replayed'],
  ['over the budget', { headers: GRAPHQL_RESPONSE, body: json({ query: '{ connectionOperations(connectionId: "contosohr", first: 1000) { nodes { id } } a: connectionOperations(connectionId: "contosohr", first: 1000) { nodes { id } } b: connectionOperations(connectionId: "contosohr", first: 1000) { nodes { id } } }' }) }, 'direct'],
  ['too deep for MAX_DEPTH', { headers: GRAPHQL_RESPONSE, body: json({ query: `{ __schema { types { ${'fields { type { '.repeat(8)}name${' } }'.repeat(8)} } } }` }) }, 'replayed'],
  ['an alias bomb (the document limits throw their refusal)', { headers: GRAPHQL_RESPONSE, body: json({ query: `{ ${Array.from({ length: 600 }, (_, i) => `a${i}: node(id: "x") { id }`).join(' ')} }` }) }, 'replayed'],
  ['a mutation refused by the argument checks', { headers: GRAPHQL_RESPONSE, body: json({ query: 'mutation { deleteConnectionOperation(connectionId: "../x", operationId: "a") { deletedId } }' }) }, 'direct'],
  ['a mutation of a missing operation', { headers: GRAPHQL_RESPONSE, body: json({ query: 'mutation { deleteConnectionOperation(connectionId: "contosohr", operationId: "missing-op") { deletedId } }' }) }, 'direct'],
  ['with an Origin (CORS)', { headers: { ...GRAPHQL_RESPONSE, origin: 'https://app.example' }, body: json({ query: LIST }) }, 'direct'],
  ['with Access-Control-Request-Headers', { headers: { ...JSON_TYPE, origin: 'https://app.example', 'access-control-request-headers': 'x-a' }, body: json({ query: LIST }) }, 'direct'],
  ['content-type with charset', { headers: { 'content-type': 'application/json; charset=utf-8' }, body: json({ query: LIST }) }, 'direct'],
  ['Accept with several types', { headers: { ...JSON_TYPE, accept: 'multipart/mixed, application/graphql-response+json;q=0.9, application/json;q=0.8' }, body: json({ query: LIST }) }, 'direct'],
  ['Accept with SSE first and JSON after', { headers: { ...JSON_TYPE, accept: 'text/event-stream, application/json' }, body: json({ query: LIST }) }, 'direct'],
  ['other extensions (a client library names itself)', { headers: GRAPHQL_RESPONSE, body: json({ query: LIST, extensions: { clientLibrary: { name: '@apollo/client', version: '3.13.0' } } }) }, 'direct'],
  ['an APQ extension of another version (ignored, as the plugin ignores it)', { headers: GRAPHQL_RESPONSE, body: json({ query: LIST, extensions: { persistedQuery: { version: 2, sha256Hash: 'x' } } }) }, 'direct'],
  ['two operations, the second chosen', { headers: GRAPHQL_RESPONSE, body: json({ query: `query A { __typename } ${BY_KEY}`, variables: { c: 'contosohr', o: 'hr-schema-1' }, operationName: 'One' }) }, 'direct'],
  ['two operations, none chosen', { headers: GRAPHQL_RESPONSE, body: json({ query: `query A { __typename } ${BY_KEY}` }) }, 'replayed'],
  ['the same validation error again (remembered as refused)', { headers: GRAPHQL_RESPONSE, body: json({ query: '{ nope }' }) }, 'replayed'],
  ['a mutation with an error that is not a GraphQL error upstream', { headers: GRAPHQL_RESPONSE, body: json({ query: 'mutation { updateConnectionOperation(connectionId: "contosohr", operationId: "missing-op", input: { status: COMPLETED }) { operationId } }' }) }, 'direct'],
  ['an unknown persisted-query hash', { headers: GRAPHQL_RESPONSE, body: json({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256('unknown') } } }) }, 'replayed'],
  ['a persisted query sent with its text', { headers: GRAPHQL_RESPONSE, body: json({ query: PERSISTED, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(PERSISTED) } } }) }, 'replayed'],
  ['a persisted query by hash alone', { headers: GRAPHQL_RESPONSE, body: json({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(PERSISTED) } } }) }, 'direct'],
  ['a persisted query by hash with variables and operationName', { headers: GRAPHQL_RESPONSE, body: json({ variables: { c: 'contosohr', o: 'hr-schema-1' }, operationName: 'One', extensions: { persistedQuery: { version: 1, sha256Hash: sha256(BY_KEY) } } }) }, 'replayed'],
  ['the same query, its text stored now', { headers: GRAPHQL_RESPONSE, body: json({ query: BY_KEY, variables: { c: 'contosohr', o: 'hr-schema-1' }, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(BY_KEY) } } }) }, 'replayed'],
  ['then by hash alone', { headers: GRAPHQL_RESPONSE, body: json({ variables: { c: 'contosohr', o: 'hr-schema-1' }, operationName: 'One', extensions: { persistedQuery: { version: 1, sha256Hash: sha256(BY_KEY) } } }) }, 'direct'],
  ['a hash that does not match its text', { headers: GRAPHQL_RESPONSE, body: json({ query: PERSISTED, extensions: { persistedQuery: { version: 1, sha256Hash: sha256('other') } } }) }, 'replayed'],
  ['a document nested too deep', { headers: GRAPHQL_RESPONSE, body: json({ query: `{ a(x: ${'{a: '.repeat(600)}1${'}'.repeat(600)}) }` }) }, 'replayed'],
  ['variables nested too deep', { headers: GRAPHQL_RESPONSE, body: json({ query: BY_KEY, variables: { c: JSON.parse('['.repeat(300) + ']'.repeat(300)) } }) }, 'replayed'],
  ['no query', { headers: GRAPHQL_RESPONSE, body: json({ variables: {} }) }, 'replayed'],
  ['a query that is not a string', { headers: GRAPHQL_RESPONSE, body: json({ query: 42 }) }, 'replayed'],
  ['an unknown parameter', { headers: GRAPHQL_RESPONSE, body: json({ query: LIST, other: 1 }) }, 'replayed'],
  ['variables that are a list', { headers: GRAPHQL_RESPONSE, body: json({ query: LIST, variables: [1] }) }, 'replayed'],
  ['invalid JSON', { headers: GRAPHQL_RESPONSE, body: '{"query": ' }, 'replayed'],
  ['a JSON array (batching is off)', { headers: GRAPHQL_RESPONSE, body: json([{ query: LIST }]) }, 'replayed'],
  ['JSON null', { headers: GRAPHQL_RESPONSE, body: 'null' }, 'replayed'],
  ['a JSON string', { headers: GRAPHQL_RESPONSE, body: '"{}"' }, 'replayed'],
  ['a subscription over POST with JSON accepted', { headers: GRAPHQL_RESPONSE, body: json({ query: 'subscription { connectionOperationUpdates(connectionId: "contosohr", operationId: "hr-schema-1") { status } }' }) }, 'replayed'],
  ['nodes by global id, fragments and __typename, one id malformed', { headers: GRAPHQL_RESPONSE, body: json({ query: NODES, variables: { ids: [OPERATION_ID, CONNECTION_ID, 'not-a-global-id'] } }) }, 'direct'],
  ['node with @include and @skip by variables', { headers: GRAPHQL_RESPONSE, body: json({ query: 'query($id: ID!, $yes: Boolean!) { node(id: $id) { id ... on ConnectionOperation @include(if: $yes) { status error { errorCode details { code message } } } ... on ConnectionOperation { etag @skip(if: $yes) } } }', variables: { id: FAILED_ID, yes: true } }) }, 'direct'],
  ['connections with their operations and schemas', { headers: GRAPHQL_RESPONSE, body: json({ query: '{ externalConnections(first: 2) { nodes { connectionId state operations(first: 2, orderBy: [{ field: STATUS, direction: DESC }]) { nodes { operationId status } pageInfo { hasNextPage } } schema { baseType properties { name type labels } } } } }' }) }, 'direct'],
  ['a filter as a literal (a recursive input type)', { headers: GRAPHQL_RESPONSE, body: json({ query: '{ connectionOperations(connectionId: "contosohr", first: 3, filter: { or: [{ status: { eq: FAILED } }, { operationId: { eq: "hr-op-001" } }] }) { nodes { operationId status } } }' }) }, 'direct'],
  ['a filter as a variable (graphql-js runs it)', { headers: GRAPHQL_RESPONSE, body: json({ query: 'query($f: ConnectionOperationFilter) { connectionOperations(connectionId: "contosohr", first: 3, filter: $f) { nodes { operationId } } }', variables: { f: { or: [{ status: { eq: 'FAILED' } }] } } }) }, 'direct'],
  ['federation entities', { headers: GRAPHQL_RESPONSE, body: json({ query: 'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on ConnectionOperation { id status } ... on ExternalConnection { name } } }', variables: { r: [{ __typename: 'ConnectionOperation', connectionId: 'contosohr', operationId: 'hr-op-002' }, { __typename: 'ExternalConnection', connectionId: 'contosohr' }, { __typename: 'ConnectionOperation', id: OPERATION_ID }] } }) }, 'direct'],
  ['introspection', { headers: GRAPHQL_RESPONSE, body: json({ query: '{ __type(name: "ConnectionOperationStatus") { kind enumValues { name } } __schema { queryType { name } } }' }) }, 'direct'],
  ['Accept: text/event-stream only', { headers: { ...JSON_TYPE, accept: 'text/event-stream' }, body: json({ query: LIST }) }, 'yoga'],
  ['Accept with a charset yoga does not serve', { headers: { ...JSON_TYPE, accept: 'application/json; charset=iso-8859-1' }, body: json({ query: LIST }) }, 'yoga'],
  ['Accept: text/html', { headers: { ...JSON_TYPE, accept: 'text/html' }, body: json({ query: LIST }) }, 'yoga'],
  ['text/plain without a CSRF header', { headers: { 'content-type': 'text/plain' }, body: json({ query: LIST }) }, 'yoga'],
  ['a form POST', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `query=${encodeURIComponent(LIST)}` }, 'yoga'],
  ['no Content-Length', { headers: GRAPHQL_RESPONSE, body: json({ query: LIST }), chunked: true }, 'yoga'],
  ['a body over MAX_BODY_BYTES', { headers: GRAPHQL_RESPONSE, body: json({ query: `{ __typename ${' '.repeat(300_000)}}` }) }, 'yoga'],
  ['a query string on the endpoint', { path: '/graphql?x=1', headers: GRAPHQL_RESPONSE, body: json({ query: LIST }) }, 'yoga'],
  ['another path', { path: '/other', headers: GRAPHQL_RESPONSE, body: json({ query: LIST }) }, 'yoga'],
  ['PUT to the endpoint', { method: 'PUT', headers: GRAPHQL_RESPONSE, body: json({ query: LIST }) }, 'yoga'],
  ['GET with a query', { method: 'GET', path: `/graphql?query=${encodeURIComponent(LIST)}`, headers: { accept: 'application/json' } }, 'yoga'],
];

/** Corpus cases on the direct path that graphql-js executes rather than a compiled plan (query-plans.ts). */
const INTERPRETED = new Set([
  'a variable of the wrong type',
  'a required variable missing',
  'a mutation refused by the argument checks',
  'a mutation of a missing operation',
  'a mutation with an error that is not a GraphQL error upstream',
  'a filter as a variable (graphql-js runs it)',
]);

describe('the request handler answers exactly as yoga does', () => {
  let upstream: ODataService;
  let served: RunningServer;
  let gateway: Gateway;
  let yogaAlone: Server;
  let yogaUrl: string;

  beforeAll(async () => {
    upstream = createODataService({ seed: true });
    const serviceRoot = await upstream.listen(0, '127.0.0.1');
    const config = testConfig({ port: 0, logLevel: 'silent', retryMax: 0 });
    gateway = createGateway({ config, serviceRoot, log: createLogger('silent') });
    // graphql-jit loads with the first query otherwise, and that query would run on graphql-js.
    await loadQueryCompiler();
    served = await serveGateway(gateway, 0, '127.0.0.1');
    yogaAlone = createServer(gateway.yoga);
    await new Promise<void>((resolve) => yogaAlone.listen(0, '127.0.0.1', resolve));
    yogaUrl = `http://127.0.0.1:${(yogaAlone.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (yogaAlone ? yogaAlone.close(() => resolve()) : resolve()));
    await served?.close(1000);
    await upstream?.close();
  });

  it.each(corpus)('%s', async (name, raw, path) => {
    const before = { ...served.handlerStats };
    const ranBefore = { ...gateway.direct.plans.stats };
    const fromHandler = await send(served.url, raw);
    const ran = gateway.direct.plans.stats;
    const fromYoga = await send(yogaUrl, raw);
    expect(fromHandler).toEqual(fromYoga);
    const after = served.handlerStats;
    const taken = (Object.keys(before) as Path[]).filter((key) => after[key] !== before[key]);
    expect(taken).toEqual([path]);
    expect(after[path] - before[path]).toBe(1);
    // On the direct path a query runs compiled; graphql-js answers mutations, variables that do not
    // coerce, and nothing runs over the budget. So the compiled queries are what matched yoga here.
    const executor = path !== 'direct' || name === 'over the budget' ? 'none' : INTERPRETED.has(name) ? 'interpreted' : 'compiled';
    expect({ compiled: ran.compiled - ranBefore.compiled, interpreted: ran.interpreted - ranBefore.interpreted }).toEqual({
      compiled: executor === 'compiled' ? 1 : 0,
      interpreted: executor === 'interpreted' ? 1 : 0,
    });
  });

  it('answers the list query with its data on the direct path', async () => {
    const answer = await send(served.url, corpus[0]![1]);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).data.connectionOperations.nodes).toHaveLength(2);
  });

  it('starts no watch for a subscription it hands back to yoga', async () => {
    const subscription = 'subscription { connectionOperationUpdates(connectionId: "contosohr", operationId: "hr-schema-1") { status } }';
    const before = { ...served.handlerStats };
    const answer = await send(served.url, { headers: GRAPHQL_RESPONSE, body: json({ query: subscription }) });
    expect(answer.status).toBe(406);
    expect(served.handlerStats.replayed - before.replayed).toBe(1);
    // The direct path never executes a subscription, and yoga's refusal read no stream, so no watch started.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gateway.subscriptions.subscriptions).toBe(0);
    expect(gateway.subscriptions.activePollers).toBe(0);
  });

  it('runs a mutation once on the direct path', async () => {
    const create = 'mutation { createConnectionOperation(connectionId: "contosohr", input: { status: IN_PROGRESS }) { operationId status } }';
    const posts = () => upstream.requests.filter((r) => r.method === 'POST' && r.batchPart === undefined).length;
    const before = posts();
    const directBefore = served.handlerStats.direct;
    const answer = await send(served.url, { headers: GRAPHQL_RESPONSE, body: json({ query: create }) });
    expect(served.handlerStats.direct - directBefore).toBe(1);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).data.createConnectionOperation.status).toBe("IN_PROGRESS");
    expect(posts() - before).toBe(1);
  });
});

describe("regularMediaType: the Accept rule of yoga's result processors", () => {
  it.each([
    [undefined, 'application/json'],
    ['', 'application/json'],
    ['*/*', 'application/json'],
    ['application/*', 'application/json'],
    ['application/json', 'application/json'],
    ['application/graphql-response+json', 'application/graphql-response+json'],
    ['application/graphql-response+json, application/json', 'application/graphql-response+json'],
    ['application/json, application/graphql-response+json', 'application/json'],
    ['text/event-stream, application/graphql-response+json', 'application/graphql-response+json'],
    ['APPLICATION/JSON', 'application/json'],
    ['application/json; charset=utf-8', 'application/json'],
    ['application/json; charset=latin1, application/graphql-response+json', 'application/graphql-response+json'],
    ['application/json; charset=latin1', undefined],
    ['text/event-stream', undefined],
    ['multipart/mixed', undefined],
    ['application', undefined],
    ['*', undefined],
    ['text/*', undefined],
  ])('%j → %s', (accept, expected) => {
    expect(regularMediaType(accept)).toBe(expected);
  });
});

describe('MediaTypeMemo: regularMediaType, remembered within bounds', () => {
  it('answers as regularMediaType for every header, remembered or not', () => {
    const memo = new MediaTypeMemo();
    const headers = [undefined, '', '*/*', 'application/json', 'text/event-stream', 'application/json; charset=latin1', 'application/graphql-response+json'];
    for (const round of [1, 2]) for (const accept of headers) expect(memo.of(accept), `${accept} (round ${round})`).toBe(regularMediaType(accept));
  });

  it('remembers at most MAX_ENTRIES headers, and none longer than MAX_CHARS (the client chooses them)', () => {
    const memo = new MediaTypeMemo();
    memo.of(`application/json, ${'x/y, '.repeat(100)}`);
    expect(memo.size).toBe(0);
    for (let i = 0; i < 1000; i++) expect(memo.of(`application/json;q=0.${i}`)).toBe('application/json');
    expect(memo.size).toBe(MediaTypeMemo.MAX_ENTRIES);
  });
});
