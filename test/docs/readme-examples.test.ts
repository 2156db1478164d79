/**
 * Every example of the README runs here, as a reader would run it, against the gateway as `npm start` runs
 * it (src/main.ts as a process, the embedded OData service with its sample data), in the README's order.
 *
 * An example is a fenced block right after an HTML comment `<!-- readme-example: NAME [expect=…] [skip="…"] -->`:
 * - ```graphql: sent as a POST of JSON (a subscription over SSE); an operation with required variables runs
 *   only with the ```json block that follows it (the variables a reader pastes into GraphiQL's Variables pane);
 *   a variable written `"<paste the X of the answer above>"` gets the X of the latest answer that has one;
 * - ```sh: run by bash with the real curl, `localhost:4000` replaced by the gateway's address, TOKEN set;
 * - ```js: saved as a module in the repository's folder and run with node (its output lines are answers).
 * `expect` is `data` (the default: data and no errors), an error code (an error with that code), `sse` (a
 * stream of answers with data, then `complete`), `ok` (the command succeeds), `contains:TEXT` or `script`.
 * A sh block followed by "which answers `…`" must print exactly that; a graphql block so followed must answer
 * an error with exactly that message.
 *
 * The list of example names is fixed below, so deleting or unmarking an example fails this test, and every
 * graphql, js and curl block of the README must be marked.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configVariables, loadConfig } from '../../src/config.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(new URL('README.md', `file://${ROOT}`), 'utf8');
const run = promisify(execFile);

/** The README's examples, in order. */
const EXPECTED = [
  'first-query',
  'first-curl',
  'create-operation',
  'update-operation',
  'first-page',
  'next-page',
  'subscription-curl',
  'subscription-ws',
  'connections',
  'node',
  'delete-operation',
  'create-connection',
  'register-schema',
  'watch-registration',
  'watch-registration-variables',
  'connection-schema',
  'delete-connection',
  'graph-token',
  'with-token',
  'ready',
  'metrics',
  'typo',
  'too-many',
];

interface Example {
  name: string;
  lang: string;
  body: string;
  /** 1-based line of the marker. */
  line: number;
  expect: string;
  skip?: string;
  /** The text right after the block, up to the next blank line. */
  after: string;
}

const MARKER = /^<!-- readme-example: ([a-z0-9-]+)((?:\s+[a-z]+=(?:"[^"]*"|\S+))*)\s*-->$/;

function extractExamples(markdown: string): { examples: Example[]; unmarked: string[] } {
  const lines = markdown.split('\n');
  const examples: Example[] = [];
  const unmarked: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)/.exec(lines[i]!);
    if (!fence) continue;
    const lang = fence[1]!;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`README line ${i + 1}: unclosed fence`);
    const body = lines.slice(i + 1, end).join('\n');
    const marker = MARKER.exec(lines[i - 1] ?? '');
    if (marker) {
      const attributes = Object.fromEntries(
        [...marker[2]!.matchAll(/([a-z]+)=("[^"]*"|\S+)/g)].map(([, key, value]) => [key!, value!.replace(/^"|"$/g, '')]),
      );
      let afterEnd = end + 1;
      while (afterEnd < lines.length && lines[afterEnd]!.trim() === '') afterEnd++;
      const after: string[] = [];
      for (let j = afterEnd; j < lines.length && lines[j]!.trim() !== ''; j++) after.push(lines[j]!);
      examples.push({
        name: marker[1]!,
        lang,
        body,
        line: i,
        expect: attributes.expect ?? 'data',
        ...(attributes.skip !== undefined ? { skip: attributes.skip } : {}),
        after: after.join(' '),
      });
    } else if (lang === 'graphql' || lang === 'js' || (lang === 'sh' && /(^|\s)curl\s/.test(body))) {
      unmarked.push(`line ${i + 1}: ${lines[i + 1]}`);
    }
    i = end;
  }
  return { examples, unmarked };
}

const { examples, unmarked } = extractExamples(README);

interface Answer {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** Answers so far, latest last: where `<paste the X of the answer above>` is looked up. */
const answers: unknown[] = [];

function findKey(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  if (!Array.isArray(value) && key in value) return (value as Record<string, unknown>)[key];
  for (const child of Object.values(value)) {
    const found = findKey(child, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

function fillPlaceholders(variables: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => {
      const placeholder = typeof value === 'string' ? /^<paste the (\w+) of the answer above>$/.exec(value) : null;
      if (!placeholder) return [name, value];
      const key = placeholder[1]!;
      const found = [...answers].reverse().map((answer) => findKey(answer, key)).find((v) => v !== undefined);
      expect(found, `no earlier answer has a ${key}`).toBeTypeOf('string');
      return [name, found];
    }),
  );
}

function hasRequiredVariables(query: string): boolean {
  const operation = parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  return (operation?.variableDefinitions ?? []).some((v) => v.type.kind === 'NonNullType' && v.defaultValue === undefined);
}

/** The `data:` payloads of the `next` events of an SSE body, and whether it ended with `complete`. */
function readEventStream(text: string): { answers: Answer[]; completed: boolean } {
  const events = text.split(/\n\n+/).map((block) => ({
    event: /^event: (.*)$/m.exec(block)?.[1],
    data: [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join('\n'),
  }));
  return {
    answers: events.filter((e) => e.event === 'next').map((e) => JSON.parse(e.data) as Answer),
    completed: events.some((e) => e.event === 'complete'),
  };
}

function expectAnswer(answer: Answer, expected: string): void {
  if (/^[A-Z_]+$/.test(expected)) {
    expect(answer.errors?.map((e) => e.extensions?.code), JSON.stringify(answer)).toContain(expected);
    return;
  }
  expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
  expect(answer.data, JSON.stringify(answer)).toBeTruthy();
  expect(Object.values(answer.data as object).every((value) => value !== null), JSON.stringify(answer)).toBe(true);
}

let gateway: GatewayProcess;
/** `http://127.0.0.1:port` of the gateway. */
let origin: string;
const scratch = `${ROOT}.tmp/readme-examples`;
let hasCurl = true;

beforeAll(async () => {
  hasCurl = await run('sh', ['-c', 'command -v curl']).then(
    () => true,
    () => false,
  );
  // What `npm start` runs, with the embedded service; registrations settle in a second, not in 20, and a
  // watch polls every 200 ms, so that the registration flow ends quickly.
  gateway = startGatewayProcess({
    run: 'source',
    env: { LOG_LEVEL: 'warn', EMBEDDED_OPERATION_DELAY_MS: '1000', SUBSCRIPTION_POLL_MS: '200', UPSTREAM_URL: '' },
  });
  origin = new URL((await gateway.started).url).origin;
  mkdirSync(scratch, { recursive: true });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

async function postGraphQL(query: string, variables?: Record<string, unknown>): Promise<Answer[]> {
  const subscription = /^\s*subscription\b/m.test(query);
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: subscription ? 'text/event-stream' : 'application/json' },
    body: JSON.stringify({ query, ...(variables !== undefined ? { variables } : {}) }),
  });
  if (!subscription) return [(await response.json()) as Answer];
  const stream = readEventStream(await response.text());
  expect(stream.completed, 'the subscription completes').toBe(true);
  return stream.answers;
}

function localize(text: string): string {
  return text.replaceAll('http://localhost:4000', origin).replaceAll('ws://localhost:4000', origin.replace(/^http/, 'ws'));
}

async function runExample(example: Example, index: number): Promise<void> {
  if (example.lang === 'graphql') {
    const next = examples[index + 1];
    if (hasRequiredVariables(example.body)) {
      // Run with the variables block that follows it.
      expect(next?.lang, `${example.name} needs a json block of variables after it`).toBe('json');
      return;
    }
    const results = await postGraphQL(example.body);
    expect(results.length).toBeGreaterThan(0);
    for (const result of results) expectAnswer(result, example.expect);
    answers.push(...results);
    const claimed = /^which answers `([^`]+)`/.exec(example.after);
    if (claimed) expect(results.flatMap((result) => result.errors?.map((e) => e.message) ?? [])).toContain(claimed[1]);
    return;
  }
  if (example.lang === 'json') {
    const previous = examples[index - 1];
    expect(previous?.lang, `${example.name}: a variables block follows a graphql block`).toBe('graphql');
    const variables = fillPlaceholders(JSON.parse(example.body) as Record<string, unknown>);
    const results = await postGraphQL(previous!.body, variables);
    expect(results.length).toBeGreaterThan(0);
    for (const result of results) expectAnswer(result, example.expect);
    answers.push(...results);
    if (previous!.name === 'watch-registration') {
      // As the README says: it ends COMPLETED.
      expect(findKey(results.at(-1), 'status')).toBe('COMPLETED');
    }
    return;
  }
  if (example.lang === 'js') {
    const file = `${scratch}/${example.name}.mjs`;
    writeFileSync(file, localize(example.body));
    const { stdout } = await run(process.execPath, [file], { cwd: scratch, timeout: 15_000 });
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expectAnswer(JSON.parse(line) as Answer, 'data');
    return;
  }
  expect(example.lang).toBe('sh');
  const { stdout } = await run('bash', ['-c', localize(example.body)], {
    cwd: scratch,
    timeout: 15_000,
    env: { ...process.env, TOKEN: 'a-token-the-embedded-service-ignores' },
  });
  if (example.expect === 'ok') return;
  if (example.expect.startsWith('contains:')) {
    expect(stdout).toContain(example.expect.slice('contains:'.length));
    return;
  }
  if (example.expect === 'sse') {
    const stream = readEventStream(stdout);
    expect(stream.completed, 'the stream completes').toBe(true);
    expect(stream.answers.length).toBeGreaterThan(0);
    for (const result of stream.answers) expectAnswer(result, 'data');
    return;
  }
  const answer = JSON.parse(stdout) as Answer;
  expectAnswer(answer, example.expect);
  answers.push(answer);
  const claimed = /^which answers `([^`]+)`/.exec(example.after);
  if (claimed) expect(stdout.trim()).toBe(claimed[1]);
}

describe('README examples', () => {
  it('finds every example, each marked', () => {
    expect(unmarked).toEqual([]);
    expect(examples.map((e) => e.name)).toEqual(EXPECTED);
  });

  it('shows the two commands, a query, a curl and a subscription within its first 150 lines', () => {
    const head = README.split('\n').slice(0, 150).join('\n');
    expect(head).toContain('```sh\nnpm ci && npm start\n```');
    expect(head).toContain('```sh\nnpm ci && npm test\n```');
    const early = examples.filter((e) => e.line < 150 && e.skip === undefined);
    expect(early.some((e) => e.lang === 'graphql' && /^\s*(query|\{)/m.test(e.body))).toBe(true);
    expect(early.some((e) => e.lang === 'sh' && e.body.startsWith('curl '))).toBe(true);
    expect(early.some((e) => /subscription/.test(e.body))).toBe(true);
  });

  it('documents every setting with its real default', () => {
    const rows = new Map<string, string>();
    for (const line of README.split('\n')) {
      const row = /^\| `([A-Z_]+)`.*\| ([^|]+) \|$/.exec(line);
      if (row) rows.set(row[1]!, row[2]!.trim());
    }
    const documented = configVariables.filter((name) => !name.startsWith('OTEL_EXPORTER_OTLP_'));
    for (const name of documented) {
      const cell = rows.get(name);
      expect(cell, `${name} is in the configuration table`).toBeDefined();
      if (cell!.startsWith('unset')) {
        expect(loadConfig({}), name).toEqual(loadConfig({ [name]: '' }));
        continue;
      }
      const value = /^`([^`]+)`$/.exec(cell!)?.[1];
      expect(value, `${name}'s default is one value`).toBeDefined();
      // Setting the documented default changes nothing.
      expect(loadConfig({ [name]: value }), `${name}=${value}`).toEqual(loadConfig({}));
    }
  });

  examples.forEach((example, index) => {
    const needsCurl = example.lang === 'sh';
    it.skipIf(example.skip !== undefined)(`${example.name} (README line ${example.line + 1})`, async (context) => {
      if (needsCurl && !hasCurl) context.skip('no curl binary on this machine');
      await runExample(example, index);
    });
  });
});
