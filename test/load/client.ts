/**
 * One load client: a loop of weighted actions until the deadline, as one tenant. Clients never sleep
 * between actions: the point is to keep the gateway busy while faults are injected.
 */
import type { ClientState, RunContext } from './context.js';
import { createWithId, createWithoutId } from './create-action.js';
import { listPage } from './list-action.js';
import { readByKey } from './read-action.js';
import type { Tenant } from './tenancy.js';
import { canUpdate, updateWithIfMatch } from './update-action.js';

type Action = (run: RunContext, client: ClientState) => Promise<void>;

/** Weights of the actions (out of 100). */
const ACTIONS: ReadonlyArray<{ weight: number; action: Action }> = [
  { weight: 26, action: createWithId },
  { weight: 5, action: createWithoutId },
  { weight: 35, action: readByKey },
  { weight: 24, action: listPage },
  { weight: 10, action: (run, client) => (canUpdate(client) ? updateWithIfMatch(run, client) : readByKey(run, client)) },
];
const TOTAL_WEIGHT = ACTIONS.reduce((sum, a) => sum + a.weight, 0);

function chooseAction(): Action {
  let roll = Math.random() * TOTAL_WEIGHT;
  for (const { weight, action } of ACTIONS) {
    roll -= weight;
    if (roll < 0) return action;
  }
  return ACTIONS[0]!.action;
}

export function newClient(index: number, tenant: Tenant): ClientState {
  return { index, tenant, token: tenant, etags: new Map(), nextCreate: 0, nextUpdate: 0 };
}

/** Runs until `deadline` (epoch ms); the action under way when it passes is finished, not abandoned. */
export async function runClient(run: RunContext, client: ClientState, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    await chooseAction()(run, client);
  }
}
