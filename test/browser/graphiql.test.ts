/**
 * Opens GraphiQL from `npm start` (the gateway with the embedded OData service and sample data),
 * in Debian's chromium driven by playwright-core, runs a query and reads the result off the page.
 * Needs /usr/bin/chromium (`apt-get install -y chromium`); run with `npm run test:browser`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';

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
    process.kill(-server.pid!, 'SIGTERM'); // npm, the shell and the gateway (which exits 0: test/gateway/main.test.ts)
    await exited;
    await expect(fetch(gatewayUrl)).rejects.toThrow();
  }
});

describe('GraphiQL, offline, from npm start', () => {
  it('runs a query against the sample data and shows the result', async () => {
    const page = await browser.newPage();
    const failedRequests: string[] = [];
    page.on('requestfailed', (request) => failedRequests.push(request.url()));
    await page.goto(gatewayUrl, { waitUntil: 'load' });
    await page.waitForSelector('.graphiql-query-editor', { timeout: 30_000 });
    expect(await page.title()).toContain('OData GraphQL gateway');

    await page.click('.graphiql-query-editor');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    // GraphiQL's editor closes brackets itself: type the query without closing ones, flat.
    await page.keyboard.type('{ connectionOperation(connectionId: "contosohr", id: "hr-op-004") { id status error { errorCode details { source ');
    // Click an empty part of the editor to close its suggestion list, which covers the execute button.
    await page.locator('.graphiql-query-editor').click({ position: { x: 20, y: 300 } });
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => document.querySelector('.result-window')?.textContent?.includes('FAILED'), undefined, { timeout: 20_000 });

    // The result editor renders spaces as no-break spaces; read it back as JSON.
    const shown = ((await page.textContent('.result-window')) ?? '').replace(/\u00a0/g, ' ');
    expect(JSON.parse(shown)).toEqual({
      data: {
        connectionOperation: {
          id: 'hr-op-004',
          status: 'FAILED',
          error: { errorCode: 'SchemaValidationFailed', details: [{ source: 'properties/employeeId' }, { source: 'properties/title' }] },
        },
      },
    });
    expect(failedRequests.filter((url) => !url.startsWith('data:'))).toEqual([]);
  });

  it('opens with an example tab for every query and mutation', async () => {
    const page = await browser.newPage();
    await page.goto(gatewayUrl, { waitUntil: 'load' });
    await page.waitForSelector('.graphiql-query-editor', { timeout: 30_000 });
    const tabs = await page.locator('.graphiql-tab').allTextContents();
    expect(tabs.join(' ')).toMatch(/ListOperations/);
    for (const name of ['ReadOperations', 'Create', 'Update', 'AddReference', 'Delete']) expect(tabs.join(' ')).toContain(name);
  });
});
