/**
 * The abusive clients of the scenario: each sends its keyed read, awaits the answer and sends again at once,
 * for the whole load, whatever the answer was (a refusal's Retry-After is ignored on purpose: the gateway
 * must protect itself from clients that do not cooperate). When the time is up every client leaves at
 * once, aborting what it has in flight, as clients closing a tab would: the gateway must then drop that
 * work rather than finish it for nobody.
 *
 * Leaving is separate from the clients having finished: unwinding 2000 aborted requests takes this process
 * a while, and recovery is measured from the moment they left, not from when that is done.
 */
import { setMaxListeners } from 'node:events';
import type { GatewayClient } from './http.js';
import type { LoadTally } from './tally.js';
import type { PreparedRead } from './workload.js';

export interface RunningClients {
  /** performance.now() when the first request was sent. */
  startedAt: number;
  /** Every client aborts what it has in flight and stops; returns performance.now() of that moment. */
  leave(): number;
  /** Settles once every client has recorded its last exchange. */
  finished: Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `clients` clients; client `i` sends `reads[i % reads.length]` until `leave()`. */
export function startClients(http: GatewayClient, reads: readonly PreparedRead[], clients: number, tally: LoadTally): RunningClients {
  const leaving = new AbortController();
  // An abort listener per request in flight on the shared signal (briefly two per client while the old
  // one is removed): not a leak, so no warning.
  setMaxListeners(2 * clients + 16, leaving.signal);
  const client = async (index: number): Promise<void> => {
    const prepared = reads[index % reads.length]!;
    while (!leaving.signal.aborted) {
      const exchange = await http.post(prepared.body, leaving.signal);
      tally.record(prepared, exchange);
      // A failure without I/O (a pool already gone) could otherwise spin in microtasks and starve timers.
      if (exchange.kind === 'transport') await sleep(10);
    }
  };
  const startedAt = performance.now();
  const finished = Promise.all(Array.from({ length: clients }, (_, i) => client(i))).then(() => undefined);
  return {
    startedAt,
    leave() {
      const at = performance.now();
      leaving.abort();
      return at;
    },
    finished,
  };
}
