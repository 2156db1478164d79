/**
 * INTROSPECTION=on|off over real loopback HTTP: suggestions ("Did you mean …?") follow introspection. On (the
 * default), a misspelled field, input type or variable's input field is answered with the right name, and
 * the schema can be introspected; off, no answer suggests a name, `__schema` and `__type` are refused, and
 * `__typename` and the federation `_service` field still work (a real router composes through `_service`).
 * Each case runs over POST (the direct path) and GET (yoga's path), and introspection also over graphql-ws.
 */
import { ApolloGateway, IntrospectAndCompose } from '@apollo/gateway';
import { useApolloFederation } from '@envelop/apollo-federation';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { postGraphQL, serve } from '../federation/http.js';
import { startStack, type Stack } from '../support/stack.js';
import { wsClient } from '../support/subscription-clients.js';

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

type Send = (stack: Stack, query: string, variables?: Record<string, unknown>) => Promise<Answer>;

const post: Send = async (stack, query, variables) => {
  const response = await fetch(`${stack.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, ...(variables !== undefined ? { variables } : {}) }),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
};

const get: Send = async (stack, query, variables) => {
  const url = new URL(`${stack.url}/graphql`);
  url.searchParams.set('query', query);
  if (variables !== undefined) url.searchParams.set('variables', JSON.stringify(variables));
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
};

const TYPO = '{ connectionOperations(connectionId: "contosohr") { nodes { stauts } } }';
const TYPO_MESSAGE = 'Cannot query field "stauts" on type "ConnectionOperation".';
const TYPE_TYPO = 'query Q($filter: ConnectionOperationFiltr) { connectionOperations(connectionId: "contosohr", filter: $filter) { nodes { status } } }';
const ENUM_TYPO = '{ connectionOperations(connectionId: "contosohr", filter: { status: { eq: COMPLETE } }) { nodes { status } } }';
const SCHEMA = '{ __schema { queryType { name } } }';
const TYPE = '{ __type(name: "ConnectionOperation") { name fields { name } } }';
/** A variable of an input type with a misspelled field: refused by execution's own variable checks, not validation. */
const VARIABLE_TYPO = 'query V($filter: ConnectionOperationFilter) { connectionOperations(connectionId: "contosohr", filter: $filter) { nodes { status } } }';
const VARIABLES = { filter: { stauts: { eq: 'COMPLETED' } } };

/** The first error of an answer refused as a whole, every error of it with `code`. */
function onlyError(answer: Answer, code: string): string {
  expect(answer.data ?? undefined, JSON.stringify(answer)).toBeUndefined();
  expect(answer.errors?.length, JSON.stringify(answer)).toBeGreaterThan(0);
  expect(new Set(answer.errors!.map((error) => error.extensions?.code)), JSON.stringify(answer)).toEqual(new Set([code]));
  return answer.errors![0]!.message;
}

describe('INTROSPECTION: the setting', () => {
  it('is on by default, takes on and off, and refuses anything else naming the variable', () => {
    expect(loadConfig({}).introspection).toBe('on');
    expect(loadConfig({ INTROSPECTION: 'off' }).introspection).toBe('off');
    expect(() => loadConfig({ INTROSPECTION: 'no' })).toThrow('Invalid INTROSPECTION="no": expected `on` or `off`.');
  });
});

describe.each([
  ['POST (the direct path)', post],
  ['GET (yoga)', get],
])('INTROSPECTION=on (the default), over %s', (_, send) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it('a misspelled field answers with the right name', async () => {
    expect(onlyError(await send(stack, TYPO), 'GRAPHQL_VALIDATION_FAILED')).toBe(`${TYPO_MESSAGE} Did you mean "status"?`);
  });

  it('a misspelled input type, enum value and a variable\'s input field answer with the right name', async () => {
    expect(onlyError(await send(stack, TYPE_TYPO), 'GRAPHQL_VALIDATION_FAILED')).toMatch(
      /^Unknown type "ConnectionOperationFiltr"\. Did you mean "ConnectionOperationFilter", .*\?$/,
    );
    expect(onlyError(await send(stack, ENUM_TYPO), 'GRAPHQL_VALIDATION_FAILED')).toMatch(/Did you mean the enum value "COMPLETED"\?$/);
    expect(onlyError(await send(stack, VARIABLE_TYPO, VARIABLES), 'BAD_USER_INPUT')).toMatch(/Did you mean "status"\?$/);
  });

  it('the schema can be introspected', async () => {
    expect(await send(stack, SCHEMA)).toMatchObject({ status: 200, data: { __schema: { queryType: { name: 'Query' } } } });
    expect((await send(stack, TYPE)).data).toMatchObject({ __type: { name: 'ConnectionOperation' } });
  });
});

describe.each([
  ['POST (the direct path)', post],
  ['GET (yoga)', get],
])('INTROSPECTION=off, over %s', (_, send) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { introspection: 'off' } });
  });
  afterAll(() => stack?.close());

  it('a misspelled field answers without suggesting a name (nor a "[Suggestion hidden]" placeholder)', async () => {
    expect(onlyError(await send(stack, TYPO), 'GRAPHQL_VALIDATION_FAILED')).toBe(TYPO_MESSAGE);
    // Again: the validation result yoga cached for this document says the same.
    expect(onlyError(await send(stack, TYPO), 'GRAPHQL_VALIDATION_FAILED')).toBe(TYPO_MESSAGE);
  });

  it('a misspelled input type, enum value or a variable\'s input field answers without a suggestion', async () => {
    expect(onlyError(await send(stack, TYPE_TYPO), 'GRAPHQL_VALIDATION_FAILED')).toBe('Unknown type "ConnectionOperationFiltr".');
    expect(onlyError(await send(stack, ENUM_TYPO), 'GRAPHQL_VALIDATION_FAILED')).not.toMatch(/Did you mean|COMPLETED/);
    const variable = onlyError(await send(stack, VARIABLE_TYPO, VARIABLES), 'BAD_USER_INPUT');
    expect(variable).toContain('Field "stauts" is not defined by type "ConnectionOperationFilter".');
    expect(variable).not.toContain('Did you mean');
  });

  it('introspection is refused with GRAPHQL_VALIDATION_FAILED; __typename and the federation _service field still answer', async () => {
    expect(onlyError(await send(stack, SCHEMA), 'GRAPHQL_VALIDATION_FAILED')).toBe(
      'GraphQL introspection has been disabled, but the requested query contained the field "__schema".',
    );
    expect(onlyError(await send(stack, TYPE), 'GRAPHQL_VALIDATION_FAILED')).toContain('introspection has been disabled');
    expect(await send(stack, '{ __typename }')).toMatchObject({ status: 200, data: { __typename: 'Query' } });
    const service = await send(stack, '{ _service { sdl } }');
    expect(service.errors).toBeUndefined();
    expect((service.data as { _service: { sdl: string } })._service.sdl).toContain('type ConnectionOperation');
  });
});

describe('INTROSPECTION=off, other clients', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { introspection: 'off' } });
  });
  afterAll(() => stack?.close());

  it('over graphql-ws too, introspection is refused and a typo gets no suggestion', async () => {
    const client = wsClient(stack.url);
    try {
      const refusals: string[] = [];
      for (const query of [SCHEMA, TYPO]) {
        // graphql-ws answers a document that fails validation with an `error` message: the sink's error.
        refusals.push(
          await new Promise<string>((resolve, reject) => {
            client.subscribe(
              { query },
              {
                next: (result) => reject(new Error(`answered ${JSON.stringify(result)}`)),
                error: (errors) => resolve((errors as Array<{ message: string }>)[0]!.message),
                complete: () => reject(new Error('completed without an error')),
              },
            );
          }),
        );
      }
      expect(refusals).toEqual([
        'GraphQL introspection has been disabled, but the requested query contained the field "__schema".',
        TYPO_MESSAGE,
      ]);
    } finally {
      await client.dispose();
    }
  });

  it('a federation router composes the supergraph from the gateway\'s _service and serves queries through it', async () => {
    stack.upstream.store.putOperation('contosohr', { id: 'router-op', status: 'completed' });
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const telemetry = process.env.APOLLO_TELEMETRY_DISABLED;
    process.env.APOLLO_TELEMETRY_DISABLED = 'true';
    let router: ApolloGateway;
    try {
      // IntrospectAndCompose reads each subgraph's `{ _service { sdl } }` over HTTP, as a router does.
      router = new ApolloGateway({ supergraphSdl: new IntrospectAndCompose({ subgraphs: [{ name: 'operations', url: `${stack.url}/graphql` }] }), logger: quiet });
    } finally {
      if (telemetry === undefined) delete process.env.APOLLO_TELEMETRY_DISABLED;
      else process.env.APOLLO_TELEMETRY_DISABLED = telemetry;
    }
    await router.load();
    const served = await serve(createYoga({ plugins: [useApolloFederation({ gateway: router, logger: quiet })], logging: false, landingPage: false, graphiql: false }));
    try {
      const answer = await postGraphQL(`${served.url}/graphql`, '{ connectionOperation(connectionId: "contosohr", operationId: "router-op") { operationId status } }');
      expect(answer.body).toEqual({ data: { connectionOperation: { operationId: 'router-op', status: 'COMPLETED' } } });
    } finally {
      await served.close();
      await router.stop();
    }
  });
});
