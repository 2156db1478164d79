/**
 * The long-running operations Microsoft Graph starts itself: a schema registration (`PATCH …/schema`) and a
 * connection's deletion (`DELETE {cs}/{cid}`). Each is a job with a due time `operationDelayMs` after its
 * start; until then its connectionOperation is `inprogress`, then it settles:
 * - a registration `completed` (the schema stored, the connection `ready`), or `failed` with the problems of
 *   schema-rules.ts as its error (in the mode's shape: v1.0 publicError, beta errorDetail); the schema
 *   registered before, if any, stays;
 * - a deletion removes the connection with its operations (its own included: a GET of it answers 404 from
 *   then on) and schema, and drops the connection's other pending jobs.
 *
 * Settling happens without a client asking (an unref'd timer per job) and, so that it is exact, also lazily:
 * the router settles every due job before it handles a request, so a request after the due time always sees
 * the outcome, even when it overtakes the timer. A job's due time is fixed when it starts (a later
 * {@link OperationRunner.delayMs} change applies to later jobs); `Infinity` (or a delay beyond what `setTimeout`
 * can wait) arms no timer. {@link OperationRunner.settleAll} settles every pending job at once (tests).
 * {@link OperationRunner.clearTimers} (the service's `close()`) stops the timers, the jobs still settle lazily;
 * {@link OperationRunner.clear} (`reset()`) forgets them too.
 */
import { randomUUID } from 'node:crypto';
import type { ApiVersion } from './model.js';
import { schemaFailure, schemaProblems, type SchemaFailure } from './schema-rules.js';
import type { ODataStore, StoredError, StoredSchema } from './store.js';

/**
 * Which operations API the service serves: `'graph'`, Graph today (an operation is read by id only; Graph
 * creates and ends them), or `'seed'`, the 2019-2020 beta pages' API (list, create, update, delete, `$ref`).
 */
export type OperationsApi = 'graph' | 'seed';
export const OPERATIONS_APIS: readonly OperationsApi[] = ['graph', 'seed'];

/** How `PATCH`/`POST {cs}/{cid}/schema` answers: 202 + Location of an operation, or at once with 200 or 201. */
export type SchemaRegistration = 'operation' | 'ok' | 'created';
/** How `DELETE {cs}/{cid}` answers: 202 + Location of an operation, 202 without a Location, or 204 (gone at once). */
export type ConnectionDeletion = 'operation' | 'accepted' | 'noContent';

/** The lifecycle switches; what a partial leaves out keeps its value. */
export interface LifecycleOptions {
  /** Default `'operation'`: 202 Accepted + `Location` of a new `inprogress` operation. */
  schemaRegistration?: SchemaRegistration;
  /** Default `'operation'`: 202 Accepted + `Location` of a new `inprogress` operation. */
  connectionDeletion?: ConnectionDeletion;
}
export type LifecycleSwitches = Required<LifecycleOptions>;

export const DEFAULT_LIFECYCLE: Readonly<LifecycleSwitches> = { schemaRegistration: 'operation', connectionDeletion: 'operation' };
/** Default of `operationDelayMs`: a few seconds, so that `npm start` shows an operation `inprogress` first. */
export const DEFAULT_OPERATION_DELAY_MS = 3000;

const LIFECYCLE_CHOICES: { readonly [K in keyof LifecycleSwitches]: readonly LifecycleSwitches[K][] } = {
  schemaRegistration: ['operation', 'ok', 'created'],
  connectionDeletion: ['operation', 'accepted', 'noContent'],
};

/** `current` with the switches `partial` names; a TypeError for anything else. */
export function withLifecycle(current: Readonly<LifecycleSwitches>, partial: unknown): LifecycleSwitches {
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
    throw new TypeError('Lifecycle options must be an object, e.g. {"schemaRegistration":"ok","connectionDeletion":"noContent"}.');
  }
  const next: LifecycleSwitches = { ...current };
  for (const [name, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    if (name !== 'schemaRegistration' && name !== 'connectionDeletion') {
      throw new TypeError(`Unknown lifecycle option '${name}'; known are schemaRegistration, connectionDeletion.`);
    }
    const choices: readonly string[] = LIFECYCLE_CHOICES[name];
    if (typeof value !== 'string' || !choices.includes(value)) {
      throw new TypeError(`Lifecycle option ${name} must be ${choices.map((c) => `'${c}'`).join(', ')}, received ${JSON.stringify(value)}.`);
    }
    Object.assign(next, { [name]: value });
  }
  return next;
}

/** A delay in milliseconds: a non-negative number, `Infinity` included (then jobs settle only when told). */
export function validateOperationDelay(ms: unknown): number {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
    throw new TypeError(`operationDelayMs must be a non-negative number of milliseconds (Infinity: only settleOperations() ends them), received ${String(ms)}.`);
  }
  return ms;
}

/** The longest wait `setTimeout` supports; a longer delay arms no timer (the job settles lazily). */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface JobBase {
  id: number;
  tenant: string;
  connectionId: string;
  dueAt: number;
  timer?: NodeJS.Timeout;
}
/** A registration reports through its operation, always; a deletion answered 202 without a Location has none. */
type Job = (JobBase & { kind: 'registration'; operationId: string; schema: StoredSchema }) | (JobBase & { kind: 'deletion'; operationId: string | undefined });

export interface OperationRunner {
  /** The delay of operations started from now on. */
  delayMs: number;
  /** Starts a registration: an `inprogress` operation in the connection (which must exist); its id. */
  startRegistration(tenant: string, connectionId: string, schema: StoredSchema): string;
  /** Starts a deletion, with an `inprogress` operation when `withOperation`; the operation's id, if any. */
  startDeletion(tenant: string, connectionId: string, withOperation: boolean): string | undefined;
  /** The operation of the registration running for the connection, if one is. */
  registration(tenant: string, connectionId: string): { operationId: string } | undefined;
  /** The deletion running for the connection, if one is. */
  deletion(tenant: string, connectionId: string): { operationId: string | undefined } | undefined;
  /** Forgets the connection's pending jobs (it was deleted at once). */
  dropJobs(tenant: string, connectionId: string): void;
  /** Settles every job whose due time has come. */
  settleDue(): void;
  /** Settles every pending job now, due or not, in the order they started; how many were settled (a deletion drops the connection's later jobs). */
  settleAll(): number;
  /** Number of pending jobs. */
  readonly pending: number;
  /** Stops every timer (the jobs stay, and settle lazily). */
  clearTimers(): void;
  /** Stops every timer and forgets every job. */
  clear(): void;
}

export interface OperationRunnerOptions {
  store: ODataStore;
  /** The error shape failed registrations are stored in. */
  apiVersion: ApiVersion;
  delayMs: number;
  /** Monotonic milliseconds. Default `performance.now()`. */
  now?: () => number;
  /** Errors thrown while a timer settled a job (never expected). */
  onError: (error: unknown) => void;
}

/** The failure in the mode's error shape. */
function storedFailure(failure: SchemaFailure, apiVersion: ApiVersion): StoredError {
  if (apiVersion === 'v1.0') return failure;
  return { errorCode: failure.code, message: failure.message, details: failure.details.map(({ target, message }) => ({ source: target, message })) };
}

export function createOperationRunner(options: OperationRunnerOptions): OperationRunner {
  const { store, apiVersion, onError } = options;
  const now = options.now ?? (() => performance.now());
  const jobs = new Map<number, Job>();
  let delayMs = validateOperationDelay(options.delayMs);
  let nextJobId = 1;

  function ofConnection(tenant: string, connectionId: string): Job[] {
    return [...jobs.values()].filter((job) => job.tenant === tenant && job.connectionId === connectionId);
  }

  function forget(job: Job): void {
    if (job.timer !== undefined) clearTimeout(job.timer);
    jobs.delete(job.id);
  }

  function settle(job: Job): void {
    forget(job);
    const { tenant, connectionId } = job;
    if (!store.getConnection(connectionId, tenant)) return; // deleted meanwhile
    if (job.kind === 'deletion') {
      for (const other of ofConnection(tenant, connectionId)) forget(other);
      store.deleteConnection(connectionId, tenant);
      return;
    }
    const problems = schemaProblems(job.schema);
    if (problems.length === 0) {
      store.putSchema(connectionId, job.schema, tenant);
      store.putConnection({ id: connectionId, state: 'ready' }, tenant);
      store.updateOperation(connectionId, job.operationId, { status: 'completed', error: null }, tenant);
    } else {
      store.updateOperation(connectionId, job.operationId, { status: 'failed', error: storedFailure(schemaFailure(problems), apiVersion) }, tenant);
    }
  }

  /** Adds the job (due `delayMs` from now, with an unref'd timer when the delay allows one) and its `inprogress` operation. */
  function start(job: Job): void {
    if (job.operationId !== undefined) store.insertOperation(job.connectionId, { id: job.operationId, status: 'inprogress', error: null }, job.tenant);
    jobs.set(job.id, job);
    if (delayMs <= MAX_TIMER_MS) {
      // Every way a job leaves `jobs` (settled, dropped, cleared) clears its timer first.
      const timer = setTimeout(() => {
        try {
          settle(job);
        } catch (error) {
          onError(error);
        }
      }, delayMs);
      timer.unref(); // never keeps the process alive
      job.timer = timer;
    }
  }

  return {
    get delayMs() {
      return delayMs;
    },
    set delayMs(ms: number) {
      delayMs = validateOperationDelay(ms);
    },
    startRegistration(tenant, connectionId, schema) {
      const operationId = randomUUID();
      start({ id: nextJobId++, kind: 'registration', tenant, connectionId, dueAt: now() + delayMs, operationId, schema: structuredClone(schema) });
      return operationId;
    },
    startDeletion(tenant, connectionId, withOperation) {
      const operationId = withOperation ? randomUUID() : undefined;
      start({ id: nextJobId++, kind: 'deletion', tenant, connectionId, dueAt: now() + delayMs, operationId });
      return operationId;
    },
    registration(tenant, connectionId) {
      for (const job of ofConnection(tenant, connectionId)) if (job.kind === 'registration') return { operationId: job.operationId };
      return undefined;
    },
    deletion(tenant, connectionId) {
      for (const job of ofConnection(tenant, connectionId)) if (job.kind === 'deletion') return { operationId: job.operationId };
      return undefined;
    },
    dropJobs(tenant, connectionId) {
      for (const job of ofConnection(tenant, connectionId)) forget(job);
    },
    settleDue() {
      // In the order they started. A job a deletion dropped on the way finds its connection gone: a no-op.
      const time = now();
      for (const job of [...jobs.values()]) if (job.dueAt <= time) settle(job);
    },
    settleAll() {
      let settled = 0;
      for (const job of [...jobs.values()]) {
        if (!jobs.has(job.id)) continue; // dropped by a deletion settled before it
        settle(job);
        settled += 1;
      }
      return settled;
    },
    get pending() {
      return jobs.size;
    },
    clearTimers() {
      for (const job of jobs.values()) {
        if (job.timer !== undefined) clearTimeout(job.timer);
        delete job.timer;
      }
    },
    clear() {
      for (const job of jobs.values()) if (job.timer !== undefined) clearTimeout(job.timer);
      jobs.clear();
    },
  };
}
