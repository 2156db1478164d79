/**
 * undici's Pool, loaded from its own module instead of undici's index. The index loads all of undici (fetch,
 * WebSocket, EventSource, the cache stores, the mocks, every dispatcher): about 8 MiB more resident memory in
 * the gateway's process, measured, for a gateway that uses one Pool per upstream, through `dispatch` and
 * `request`. undici has no `exports` map, so its modules are reachable by path; test/unit/undici-pool.test.ts
 * checks that this is the very class undici exports, with `request` as undici gives it.
 */
import { createRequire } from 'node:module';
import type { Dispatcher, Pool as UndiciPool } from 'undici';

const load = createRequire(import.meta.url);

const dispatcher = load('undici/lib/dispatcher/dispatcher.js') as { prototype: Partial<Pick<Dispatcher, 'request'>> };
// What undici's index does for every dispatcher (`Object.assign(Dispatcher.prototype, api)`), for the one
// method of that API the gateway uses: `request` (the readiness probe, the $metadata read).
dispatcher.prototype.request ??= load('undici/lib/api/api-request.js') as Dispatcher['request'];

export const Pool = load('undici/lib/dispatcher/pool.js') as typeof UndiciPool;
export type Pool = UndiciPool;
