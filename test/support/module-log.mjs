/**
 * Preload for a process under test (`node --import ./test/support/module-log.mjs …`): appends the URL of
 * every module the process loads, one per line, to the file named by MODULE_LOG, as it is loaded. ESM has
 * no require.cache to look into, so this is how a test sees what a process has loaded (and so what it
 * left for later: test/gateway/lazy-modules.test.ts).
 *
 * A plain .mjs file, not TypeScript: it must load before any TypeScript loader, and its hook runs on
 * Node's module-loader thread, which posts each URL to this (main) thread to write.
 */
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const logFile = process.env.MODULE_LOG;
if (!logFile) throw new Error('module-log.mjs: set MODULE_LOG to the file to write');

const hooks = `
let port;
export function initialize(data) { port = data.port; }
export async function load(url, context, nextLoad) {
  port.postMessage(url);
  return nextLoad(url, context);
}`;

const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => appendFileSync(logFile, `${url}\n`));
// Listening must not keep the process alive: it exits as it would without this preload.
port1.unref();
register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { port: port2 }, transferList: [port2] });
