/**
 * Opens GraphiQL from `npm start` (the gateway with the embedded OData service and sample data),
 * in Debian's chromium driven by playwright-core, each test in a fresh browser context (a first visit:
 * empty cache and localStorage). Types and runs a query; clicks every example tab with the mouse, checks
 * that it became the active tab and shows its query, runs it and checks the result.
 * Needs /usr/bin/chromium (`apt-get install -y chromium`); run with `npm run test:browser`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { graphiqlTabs } from '../../src/graphiql-tabs.js';
import { encodeGlobalId } from '../../src/global-id.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let server: ChildProcess;
let gatewayUrl: string;
let browser: Browser;

beforeAll(async () => {
  // `npm start` itself, in its own process group so that the whole tree can be stopped at the end.
  server = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  gatewayUrl = await new Promise<string>((resolve, reject) => {
    let output = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /GraphQL gateway at (http:\/\/\S+\/graphql)/.exec(output);
      if (match) resolve(match[1]!);
    });
    server.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${output}`)));
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = once(server, 'exit');
    process.kill(-server.pid!, 'SIGTERM'); // npm and the gateway (which exits 0: test/gateway/main.test.ts)
    await exited;
    await expect(fetch(gatewayUrl)).rejects.toThrow();
  }
});

interface GraphQLResponse {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** A fresh browser context, so every test is a first visit. */
async function firstVisit(): Promise<{ page: Page; failedRequests: string[]; pageErrors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
  const page = await context.newPage();
  const failedRequests: string[] = [];
  const pageErrors: string[] = [];
  page.on('requestfailed', (request) => {
    // GraphiQL stops a running subscription (its SSE stream) when another operation runs: that abort is
    // expected; any other failed request is not.
    const stoppedSubscription = request.failure()?.errorText === 'net::ERR_ABORTED' && /[?&]query=subscription\b/.test(request.url());
    if (!stoppedSubscription) failedRequests.push(request.url());
  });
  page.on('pageerror', (error) => pageErrors.push(`${error.name}: ${error.message}`));
  await page.goto(gatewayUrl, { waitUntil: 'load' });
  await page.waitForSelector('.graphiql-query-editor .view-line', { timeout: 30_000 });
  return { page, failedRequests, pageErrors };
}

/** An editor's text as shown: its rendered lines in order, no-break spaces read as spaces. */
function editorText(page: Page, editor: string): Promise<string> {
  return page.evaluate(
    (selector) =>
      [...document.querySelectorAll<HTMLElement>(`${selector} .view-line`)]
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
        .map((line) => (line.textContent ?? '').replace(/\u00a0/g, ' '))
        .join('\n'),
    editor,
  );
}

const QUERY_EDITOR = '.graphiql-query-editor';
const VARIABLES_EDITOR = 'section.graphiql-editor-tool[aria-label="Variables"] .graphiql-editor:not(.hidden)';

/** The operation name a tab's document defines (its one operation). */
function operationName(query: string): string {
  const match = /^(?:query|mutation|subscription) (\w+)/m.exec(query);
  if (!match) throw new Error(`no named operation in ${query}`);
  return match[1]!;
}

/**
 * Clicks the execute button and returns the GraphQL response the page received for the operation named
 * `name` (or for the first request whose query `sent` matches), once the result window shows it. The
 * response is read off the network: the result editor wraps long lines, so its text is not JSON.
 */
async function run(page: Page, name: string, sent?: (query: string) => boolean): Promise<GraphQLResponse> {
  const matches = sent ?? ((query: string) => new RegExp(`^(query|mutation) ${name}\\b`, 'm').test(query));
  const answered = page.waitForResponse(
    (response) => {
      const request = response.request();
      if (request.method() !== 'POST' || new URL(response.url()).pathname !== '/graphql') return false;
      const body = JSON.parse(request.postData() ?? '{}') as { operationName?: string; query?: string };
      return (sent === undefined && body.operationName === name) || matches(body.query ?? '');
    },
    { timeout: 20_000 },
  );
  await page.click('.graphiql-execute-button');
  const response = await answered.catch((error: Error) => {
    throw new Error(`${name}: no response after clicking the execute button (${error.message})`);
  });
  const result = (await response.json()) as GraphQLResponse;
  const shown = Object.keys(result.data ?? {})[0] ?? 'errors';
  await page.waitForFunction((key) => document.querySelector('.result-window')?.textContent?.includes(`"${key}"`), shown, { timeout: 20_000 });
  return result;
}

/** The inline `transform` of every tab (framer-motion's drag offset). */
function tabTransforms(page: Page): Promise<string[]> {
  return page.$$eval('.graphiql-tab', (tabs) => tabs.map((tab) => (tab as HTMLElement).style.transform || 'none'));
}

const globalId = (operationId: string) => encodeGlobalId({ type: 'ConnectionOperation', connectionId: 'contosohr', operationId });

describe('GraphiQL, offline, from npm start', () => {
  it('runs a typed query against the sample data and shows the result', async () => {
    const { page, failedRequests, pageErrors } = await firstVisit();
    expect(await page.title()).toContain('OData GraphQL gateway');

    await page.click(QUERY_EDITOR);
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    // GraphiQL's editor closes brackets itself: type the query without closing ones, flat.
    await page.keyboard.type('{ connectionOperation(connectionId: "contosohr", operationId: "hr-op-004") { id operationId status error { errorCode details { source ');
    // Click an empty part of the editor to close its suggestion list, which covers the execute button.
    await page.locator(QUERY_EDITOR).click({ position: { x: 20, y: 600 } });
    // GraphiQL takes in the edited document 100 ms after the last edit (and stores it then).
    await page.waitForFunction(() => localStorage.getItem('graphiql:query')?.includes('details { source'), undefined, { timeout: 5_000 });
    const result = await run(page, 'the typed query', (query) => query.includes('"hr-op-004"'));
    expect(result).toEqual({
      data: {
        connectionOperation: {
          id: globalId('hr-op-004'),
          operationId: 'hr-op-004',
          status: 'FAILED',
          error: { errorCode: 'SchemaValidationFailed', details: [{ source: 'properties/employeeId' }, { source: 'properties/title' }] },
        },
      },
    });
    // The result window renders spaces as no-break spaces.
    const shown = ((await page.textContent('.result-window')) ?? '').replace(/\u00a0/g, ' ');
    expect(shown).toContain('"operationId": "hr-op-004"');
    expect(shown).toContain('"status": "FAILED"');
    expect(failedRequests.filter((url) => !url.startsWith('data:'))).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('on a first visit, every example tab switches on a mouse click, shows its query and runs without errors', async () => {
    const { page, failedRequests, pageErrors } = await firstVisit();
    const tabs = page.locator('.graphiql-tab');
    const names = graphiqlTabs.map((tab) => operationName(tab.query));
    expect(names).toEqual(['ListOperations', 'ReadOperations', 'Connections', 'NodeById', 'Create', 'WatchOperation', 'Update', 'AddReference', 'Delete']);
    await expect.poll(() => tabs.locator('.graphiql-tab-button').allTextContents()).toEqual(names);
    // The reported bug: on a first visit every tab was left with a drag offset (`translateX(…px)`) that
    // moved it from under the pointer as soon as it was pressed.
    await page.waitForTimeout(500);
    expect(await tabTransforms(page)).toEqual(names.map(() => 'none'));

    const select = async (index: number) => {
      const name = names[index]!;
      await tabs.nth(index).locator('.graphiql-tab-button').click();
      await expect
        .poll(() => tabs.evaluateAll((all) => all.map((tab) => tab.getAttribute('aria-selected'))), { message: `${name} is the active tab` })
        .toEqual(names.map((_, i) => String(i === index)));
      expect(await tabs.nth(index).getAttribute('class')).toContain('graphiql-tab-active');
      await expect.poll(() => editorText(page, QUERY_EDITOR), { message: `the editor shows ${name}` }).toBe(graphiqlTabs[index]!.query);
      // GraphiQL takes in an edited or switched document 100 ms later (debounced): until then the execute
      // button would run it under the previous tab's operation name. It stores the query when it does.
      await page.waitForFunction((query) => localStorage.getItem('graphiql:query') === query, graphiqlTabs[index]!.query, { timeout: 5_000 });
    };
    // Every tab from the last to the first: each click switches away from the active tab.
    for (let index = names.length - 1; index >= 0; index--) await select(index);
    // Then in order, running each one: the mutations build on each other (create, update, add a reference,
    // delete), so each runs without errors.
    const results = new Map<string, GraphQLResponse>();
    for (const [index, name] of names.entries()) {
      await select(index);
      if (name === 'WatchOperation') {
        // A subscription streams over SSE: its first event (the operation just created) shows in the result window.
        await page.click('.graphiql-execute-button');
        await page.waitForFunction(
          () => (document.querySelector('.result-window')?.textContent ?? '').replace(/\u00a0/g, ' ').includes('"operationId": "example-operation"'),
          undefined,
          { timeout: 20_000 },
        );
        const shown = ((await page.textContent('.result-window')) ?? '').replace(/\u00a0/g, ' ');
        expect(shown).toContain('"connectionOperationUpdates"');
        expect(shown).not.toContain('"errors"');
        continue;
      }
      const result = await run(page, name);
      expect(result.errors, `${name}: ${JSON.stringify(result.errors)}`).toBeUndefined();
      expect(result.data).toBeTruthy();
      results.set(name, result);
    }
    expect([...results.keys()]).toEqual(names.filter((name) => name !== 'WatchOperation'));

    const list = results.get('ListOperations')!.data!.connectionOperations;
    expect(list.edges).toHaveLength(5);
    expect(list.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const read = results.get('ReadOperations')!.data!;
    expect(read).toMatchObject({ failed: { id: globalId('hr-op-004'), operationId: 'hr-op-004', status: 'FAILED' }, missing: null });
    const node = results.get('NodeById')!.data!;
    expect(node.node).toEqual({ __typename: 'ConnectionOperation', id: node.read.id, connectionId: 'contosohr', operationId: 'hr-op-004', status: 'FAILED' });
    expect(node.nodes.map((entry: { operationId: string } | null) => entry?.operationId ?? null)).toEqual(['hr-op-001', 'hr-op-003', null]);
    const created = results.get('Create')!.data!.createConnectionOperation;
    expect(created).toMatchObject({ id: globalId('example-operation'), operationId: 'example-operation', status: 'IN_PROGRESS' });
    expect(results.get('Update')!.data!.updateConnectionOperation).toMatchObject({ operationId: 'example-operation', status: 'FAILED' });
    expect(results.get('AddReference')!.data!.addConnectionOperationReference).toMatchObject({ operationId: 'example-reference' });
    expect(results.get('Delete')!.data!.deleteConnectionOperation).toEqual({ deletedId: created.id, connectionId: 'contosohr', operationId: 'example-operation' });

    expect(failedRequests.filter((url) => !url.startsWith('data:'))).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('pages ListOperations with `after`: the next page starts after the first one', async () => {
    const { page } = await firstVisit();
    await page.locator('.graphiql-tab').nth(0).locator('.graphiql-tab-button').click();
    const first = await run(page, 'ListOperations');
    expect(first.errors).toBeUndefined();
    const firstPage = first.data!.connectionOperations;
    expect(firstPage.pageInfo.hasNextPage).toBe(true);

    // As the tab's comment says: pass pageInfo.endCursor as "after" in the variables and run it again.
    const variables = JSON.stringify({ after: firstPage.pageInfo.endCursor });
    await page.click(VARIABLES_EDITOR);
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(variables); // inserted as a whole: no auto-closed quotes or braces
    await expect.poll(() => editorText(page, VARIABLES_EDITOR)).toBe(variables);
    const second = await run(page, 'ListOperations');
    expect(second.errors).toBeUndefined();
    const secondPage = second.data!.connectionOperations;
    expect(secondPage.pageInfo).toMatchObject({ hasPreviousPage: true });
    expect(secondPage.edges).toHaveLength(5);
    const ids = (page: { edges: Array<{ node: { operationId: string } }> }) => page.edges.map((edge) => edge.node.operationId);
    expect(ids(secondPage).filter((id) => ids(firstPage).includes(id))).toEqual([]);
    expect(secondPage.totalCount).toBe(firstPage.totalCount);
    await page.context().close();
  });
});
