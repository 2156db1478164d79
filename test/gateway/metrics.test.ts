/**
 * Prometheus metrics at /metrics after known workloads, over loopback against the embedded service: exact
 * counts of GraphQL requests, errors, `$batch` posts and parts, retries, throttling, lost writes, loader
 * savings and admission refusals; bounded label cardinality; and METRICS=off.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { ended, until, watchOverSse } from '../support/subscription-clients.js';

/** One sample of the exposition text: its value, or undefined when absent. Labels must be given in full. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '')
      .split(/,(?=[a-zA-Z_]+=")/)
      .filter((pair) => pair !== '')
      .sort()
      .join(',');
    if (have === wanted) return Number(match[3]);
  }
  return undefined;
}

/** Every label set of `name` (for cardinality). */
function labelSets(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => line.slice(name.length, line.lastIndexOf(' ')));
}

async function scrape(stack: Stack): Promise<string> {
  const response = await fetch(`${stack.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

function aliasQuery(name: string, keys: Array<[string, string]>): string {
  return `query ${name} { ${keys.map(([c, id], i) => `o${i}: connectionOperation(connectionId: ${JSON.stringify(c)}, operationId: ${JSON.stringify(id)}) { operationId status }`).join('\n')} }`;
}

function seed(stack: Stack, count: number): void {
  for (let n = 0; n < count; n++) stack.upstream.store.putOperation(`c${n % 3}`, { id: `op-${n}`, status: 'completed' });
}

const keys = (from: number, to: number): Array<[string, string]> => Array.from({ length: to - from }, (_, i) => [`c${(from + i) % 3}`, `op-${from + i}`]);

describe('metrics', () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack({ config: { retryBaseMs: 1 } });
    seed(stack, 60);
  });

  it('45 distinct reads (and 5 repeats) in one request: 3 $batch posts of 20+20+5 parts, loader savings, one request', async () => {
    try {
      const all = [...keys(0, 45), ...keys(0, 5)];
      const began = performance.now();
      const result = await stack.gql(aliasQuery('FortyFive', all));
      const tookSeconds = (performance.now() - began) / 1000;
      expect(result.errors).toBeUndefined();
      const text = await scrape(stack);
      // Seconds, each within the wall time the client saw (the three posts may overlap).
      const requestSeconds = sample(text, 'gateway_graphql_request_duration_seconds_sum', { operation: 'FortyFive' })!;
      expect(requestSeconds).toBeGreaterThan(0);
      expect(requestSeconds).toBeLessThanOrEqual(tookSeconds + 0.05);
      const upstreamSeconds = sample(text, 'gateway_upstream_request_duration_seconds_sum', { method: 'POST', kind: 'batch' })!;
      expect(upstreamSeconds).toBeGreaterThan(0);
      expect(upstreamSeconds).toBeLessThanOrEqual(3 * tookSeconds);
      expect(sample(text, 'gateway_graphql_requests_total', { operation: 'FortyFive', outcome: 'success' })).toBe(1);
      expect(sample(text, 'gateway_graphql_request_duration_seconds_count', { operation: 'FortyFive' })).toBe(1);
      expect(sample(text, 'gateway_upstream_requests_total', { method: 'POST', kind: 'batch', status_class: '2xx' })).toBe(3);
      expect(sample(text, 'gateway_upstream_request_duration_seconds_count', { method: 'POST', kind: 'batch' })).toBe(3);
      expect(sample(text, 'gateway_upstream_batch_parts_count')).toBe(3);
      expect(sample(text, 'gateway_upstream_batch_parts_sum')).toBe(45);
      expect(sample(text, 'gateway_upstream_batch_parts_bucket', { le: '5' })).toBe(1);
      expect(sample(text, 'gateway_upstream_batch_parts_bucket', { le: '19' })).toBe(1);
      expect(sample(text, 'gateway_upstream_batch_parts_bucket', { le: '20' })).toBe(3);
      expect(sample(text, 'gateway_upstream_batch_max')).toBe(20);
      expect(sample(text, 'gateway_upstream_batch_part_responses_total', { status_class: '2xx' })).toBe(45);
      expect(sample(text, 'gateway_loader_keys_total', { loader: 'operation', stage: 'asked' })).toBe(50);
      expect(sample(text, 'gateway_loader_keys_total', { loader: 'operation', stage: 'fetched' })).toBe(45);
      expect(sample(text, 'gateway_upstream_retries_total', { kind: 'batch' })).toBeUndefined();
      expect(stack.httpRequests()).toHaveLength(3);
      // Node's process metrics, on the gateway's own registry.
      expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(text).toContain('nodejs_eventloop_lag_seconds');
      // The scrape itself is no GraphQL request, and scraping again counts nothing twice.
      const again = await scrape(stack);
      expect(sample(again, 'gateway_graphql_requests_total', { operation: 'FortyFive', outcome: 'success' })).toBe(1);
      expect(sample(again, 'gateway_upstream_batch_part_responses_total', { status_class: '2xx' })).toBe(45);
      expect(sample(again, 'gateway_loader_keys_total', { loader: 'operation', stage: 'asked' })).toBe(50);
    } finally {
      await stack.close();
    }
  });

  it('one $batch part answered 429 with Retry-After: 0, then retried: exactly one retry and one throttling answer', async () => {
    try {
      stack.upstream.faults.add({ fault: { type: 'status', status: 429, retryAfter: 0 }, match: { path: '/connections/c1/operations/op-1', batchPart: true } });
      const result = await stack.gql(aliasQuery('Retried', keys(0, 3)));
      expect(result.errors).toBeUndefined();
      const text = await scrape(stack);
      expect(sample(text, 'gateway_upstream_retries_total', { kind: 'batch' })).toBe(1);
      expect(sample(text, 'gateway_upstream_throttled_total')).toBe(1);
      expect(sample(text, 'gateway_upstream_retry_after_seconds_count')).toBe(1);
      expect(sample(text, 'gateway_upstream_retry_after_seconds_sum')).toBe(0);
      expect(sample(text, 'gateway_upstream_batch_part_responses_total', { status_class: '4xx' })).toBe(1);
      expect(sample(text, 'gateway_upstream_batch_part_responses_total', { status_class: '2xx' })).toBe(3);
      // The part sent again goes in a $batch of its own (the parts to retry go together).
      expect(sample(text, 'gateway_upstream_batch_parts_count')).toBe(2);
      expect(sample(text, 'gateway_upstream_batch_parts_sum')).toBe(4);
      expect(sample(text, 'gateway_graphql_requests_total', { operation: 'Retried', outcome: 'success' })).toBe(1);
    } finally {
      await stack.close();
    }
  });

  it('counts errors by extensions.code, request errors refused before execution included', async () => {
    try {
      stack.upstream.faults.add({ fault: { type: 'status', status: 500 }, match: { path: '/connections/c1/operations/op-1', batchPart: true } });
      stack.upstream.faults.add({ fault: { type: 'status', status: 429, retryAfter: 60 }, match: { path: '/connections/c2/operations/op-2', batchPart: true } });
      const partial = await stack.gql(aliasQuery('Partial', keys(0, 3)));
      expect(partial.errors?.map((e) => e.extensions?.code).sort()).toEqual(['THROTTLED', 'UPSTREAM_ERROR']);
      const invalid = await stack.gql('query Invalid { noSuchField }');
      expect(invalid.status).toBe(400);
      const unparsable = await stack.gql('query Broken {');
      expect(unparsable.status).toBe(400);
      const badInput = await stack.gql('query BadFirst { connectionOperations(connectionId: "c0", first: 0) { nodes { operationId } } }');
      expect(badInput.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const tooBig = await fetch(`${stack.url}/graphql`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b' });
      expect(tooBig.status).toBe(415);

      const text = await scrape(stack);
      const codes = (code: string) => sample(text, 'gateway_graphql_errors_total', { code });
      expect(codes('UPSTREAM_ERROR')).toBe(1);
      expect(codes('THROTTLED')).toBe(1);
      expect(codes('GRAPHQL_VALIDATION_FAILED')).toBe(1);
      expect(codes('GRAPHQL_PARSE_FAILED')).toBe(1);
      // The 415 refusal, made before GraphQL parameters are read.
      expect(codes('BAD_REQUEST')).toBe(1);
      expect(codes('BAD_USER_INPUT')).toBe(1);
      expect(sample(text, 'gateway_graphql_requests_total', { operation: 'Partial', outcome: 'error' })).toBe(1);
      expect(sample(text, 'gateway_graphql_requests_total', { operation: 'Invalid', outcome: 'error' })).toBe(1);
      expect(sample(text, 'gateway_graphql_requests_total', { operation: 'BadFirst', outcome: 'error' })).toBe(1);
      // The refusal before parameters were read has no operation name.
      expect(sample(text, 'gateway_graphql_requests_total', { operation: 'anonymous', outcome: 'error' })).toBe(2);
      expect(sample(text, 'gateway_upstream_throttled_total')).toBe(1);
      expect(sample(text, 'gateway_upstream_retry_after_seconds_sum')).toBe(60);
      // Its buckets are in seconds of Retry-After, up to five minutes.
      expect(sample(text, 'gateway_upstream_retry_after_seconds_bucket', { le: '30' })).toBe(0);
      expect(sample(text, 'gateway_upstream_retry_after_seconds_bucket', { le: '60' })).toBe(1);
      expect(sample(text, 'gateway_upstream_retry_after_seconds_bucket', { le: '300' })).toBe(1);
      expect(sample(text, 'gateway_upstream_batch_part_responses_total', { status_class: '5xx' })).toBe(1);
    } finally {
      await stack.close();
    }
  });

  it('throttling without a Retry-After is counted, with no Retry-After observed', async () => {
    try {
      stack.upstream.faults.add({ fault: { type: 'status', status: 429 }, match: { path: '/connections/c1/operations/op-1', batchPart: true } });
      const result = await stack.gql(aliasQuery('NoRetryAfter', keys(0, 3)));
      // Sent again after the client's own backoff, and answered.
      expect(result.errors).toBeUndefined();
      expect(sample(await scrape(stack), 'gateway_upstream_retries_total', { kind: 'batch' })).toBe(1);
      const text = await scrape(stack);
      expect(sample(text, 'gateway_upstream_throttled_total')).toBe(1);
      expect(sample(text, 'gateway_upstream_retry_after_seconds_count')).toBe(0);
    } finally {
      await stack.close();
    }
  });

  it('labels each upstream request by its own method, kind and status class; operation names up to 100 characters', async () => {
    try {
      stack.upstream.faults.add({ fault: { type: 'status', status: 404 }, match: { path: '/connections/c2/operations/op-2' } });
      const longest = `L${'x'.repeat(99)}`;
      await stack.gql(`query ${longest} { connectionOperation(connectionId: "c0", operationId: "op-0") { status } }`);
      await stack.gql(`query ${longest}y { connectionOperation(connectionId: "c2", operationId: "op-2") { status } }`);
      await stack.gql(aliasQuery('Three', keys(3, 6)));
      // A name the caller asked for that is no GraphQL name (a persisted query the gateway does not have).
      const stored = await fetch(`${stack.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ operationName: 'not a name', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
      });
      expect(stored.status).toBeGreaterThanOrEqual(400);
      const text = await scrape(stack);
      expect(sample(text, 'gateway_upstream_requests_total', { method: 'GET', kind: 'get', status_class: '2xx' })).toBe(1);
      expect(sample(text, 'gateway_upstream_requests_total', { method: 'GET', kind: 'get', status_class: '4xx' })).toBe(1);
      expect(sample(text, 'gateway_upstream_requests_total', { method: 'POST', kind: 'batch', status_class: '2xx' })).toBe(1);
      expect(sample(text, 'gateway_upstream_request_duration_seconds_count', { method: 'GET', kind: 'get' })).toBe(2);
      expect(sample(text, 'gateway_graphql_requests_total', { operation: longest, outcome: 'success' })).toBe(1);
      // The 101-character name (a read answered 404: null, no error) and the name that is no GraphQL name.
      expect(sample(text, 'gateway_graphql_requests_total', { operation: 'other', outcome: 'success' })).toBe(1);
      expect(sample(text, 'gateway_graphql_requests_total', { operation: 'other', outcome: 'error' })).toBe(1);
      expect(sample(text, 'gateway_graphql_requests_total', { operation: 'Three', outcome: 'success' })).toBe(1);
    } finally {
      await stack.close();
    }
  });

  it('answers GET and HEAD at exactly its path (a query string ignored), 405 to other methods', async () => {
    try {
      const withQuery = await fetch(`${stack.url}/metrics?name[]=x`);
      expect(withQuery.status).toBe(200);
      expect(withQuery.headers.get('cache-control')).toBe('no-store');
      expect(await withQuery.text()).toContain('gateway_graphql_requests_total');
      expect((await fetch(`${stack.url}/metricsx`)).status).toBe(404);
      const head = await fetch(`${stack.url}/metrics`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
      const post = await fetch(`${stack.url}/metrics`, { method: 'POST', body: '' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
    } finally {
      await stack.close();
    }
  });

  it('counts a write sent without an answer as outcomeUnknown', async () => {
    try {
      stack.upstream.faults.add({ fault: { type: 'drop-after-commit' }, match: { method: 'POST' } });
      const result = await stack.gql('mutation Create { createConnectionOperation(connectionId: "c0", input: { operationId: "new", status: IN_PROGRESS }) { operationId } }');
      expect(result.errors?.[0]?.extensions).toMatchObject({ outcomeUnknown: true });
      const text = await scrape(stack);
      expect(sample(text, 'gateway_upstream_write_outcome_unknown_total', { method: 'POST' })).toBe(1);
      expect(sample(text, 'gateway_upstream_requests_total', { method: 'POST', kind: 'write', status_class: 'error' })).toBe(1);
      expect(sample(text, 'gateway_graphql_requests_total', { operation: 'Create', outcome: 'error' })).toBe(1);
    } finally {
      await stack.close();
    }
  });
});

describe('metrics: loader keys and subscription polls', () => {
  it('polls of a watched operation are no loader keys: `fetched` never exceeds `asked`, the polls are counted as upstream requests', async () => {
    const stack = await startStack({ config: { subscriptionPollMs: 20, subscriptionPollMaxMs: 20 } });
    try {
      stack.upstream.store.putOperation('c0', { id: 'watched', status: 'inprogress' });
      // One query through the loader: one key asked, one read fetched.
      expect((await stack.gql(aliasQuery('ReadOne', [['c0', 'watched']]))).errors).toBeUndefined();
      const watching = watchOverSse(stack.url, { connectionId: 'c0', operationId: 'watched' });
      // Several polls: the upstream read the entity again and again.
      await until(() => stack.httpRequests().filter((r) => r.method === 'GET' && r.path.endsWith('/operations/watched')).length >= 5, 4000, 'five reads');
      stack.upstream.store.putOperation('c0', { id: 'watched', status: 'completed' });
      await ended(watching);
      expect(watching.states.at(-1)?.status).toBe('COMPLETED');
      const text = await scrape(stack);
      // What the metric's description says: keys asked of the per-request loaders, and the distinct reads
      // they sent upstream. The polls read through no loader.
      expect(sample(text, 'gateway_loader_keys_total', { loader: 'operation', stage: 'asked' })).toBe(1);
      expect(sample(text, 'gateway_loader_keys_total', { loader: 'operation', stage: 'fetched' })).toBe(1);
      // The polls are upstream GETs like any other.
      expect(sample(text, 'gateway_upstream_requests_total', { method: 'GET', kind: 'get', status_class: '2xx' })).toBeGreaterThanOrEqual(6);
    } finally {
      await stack.close();
    }
  });
});

describe('metrics: admission refusals', () => {
  it('counts a refusal on its own, not as a GraphQL request, and still serves /metrics at capacity', async () => {
    const stack = await startStack({ config: { maxConcurrentRequests: 1 } });
    try {
      stack.upstream.store.putOperation('c0', { id: 'slow', status: 'completed' });
      stack.upstream.faults.add({ fault: { type: 'latency', ms: 500 }, match: { method: 'GET' } });
      const held = stack.gql('query Held { connectionOperation(connectionId: "c0", operationId: "slow") { status } }');
      for (let i = 0; i < 100 && stack.upstream.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      const refused = await stack.gql('query Refused { __typename }');
      expect(refused.status).toBe(503);
      const during = await scrape(stack);
      expect(sample(during, 'gateway_admission_refusals_total')).toBe(1);
      expect((await held).errors).toBeUndefined();
      const text = await scrape(stack);
      expect(sample(text, 'gateway_admission_refusals_total')).toBe(1);
      expect(sample(text, 'gateway_graphql_requests_total', { operation: 'Held', outcome: 'success' })).toBe(1);
      expect(labelSets(text, 'gateway_graphql_requests_total')).toEqual(['{operation="Held",outcome="success"}']);
    } finally {
      await stack.close();
    }
  });
});

describe('metrics: label cardinality', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('stays bounded under 1,000 distinct operation names: 100 names, then "other"', async () => {
    // Ten times the bound proves it as well as a hundred times did, in a tenth of the time.
    const total = 1_000;
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const n = next++;
        const result = await stack.gql(`query Op${n} { __typename }`);
        expect(result.status).toBe(200);
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    const text = await scrape(stack);
    const sets = labelSets(text, 'gateway_graphql_requests_total');
    expect(sets).toHaveLength(101);
    expect(sample(text, 'gateway_graphql_requests_total', { operation: 'other', outcome: 'success' })).toBe(total - 100);
    expect(labelSets(text, 'gateway_graphql_request_duration_seconds_count')).toHaveLength(101);
    // A name that got its label before the bound keeps it.
    const kept = /operation="(Op\d+)"/.exec(sets[0]!)![1]!;
    await stack.gql(`query ${kept} { __typename }`);
    expect(sample(await scrape(stack), 'gateway_graphql_requests_total', { operation: kept, outcome: 'success' })).toBe(2);
    expect(text.length).toBeLessThan(200_000);
  }, 120_000);
});

describe('metrics: METRICS=off', () => {
  it('serves no /metrics (404) and still serves GraphQL', async () => {
    const stack = await startStack({ config: { metrics: 'off' } });
    try {
      expect(stack.gateway.metrics).toBeUndefined();
      expect((await stack.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
      expect((await fetch(`${stack.url}/metrics`)).status).toBe(404);
    } finally {
      await stack.close();
    }
  });

  it('serves them at METRICS_PATH when set', async () => {
    const stack = await startStack({ config: { metricsPath: '/internal/prom' } });
    try {
      expect((await fetch(`${stack.url}/metrics`)).status).toBe(404);
      const response = await fetch(`${stack.url}/internal/prom`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('gateway_graphql_requests_total');
    } finally {
      await stack.close();
    }
  });
});
