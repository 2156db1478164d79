/**
 * `npm run upstream`: the embedded OData service on its own, seeded with sample data.
 *
 * Environment:
 *   PORT                    port to listen on; unset or 0 = a free port (default)
 *   HOST                    interface to bind (default 127.0.0.1)
 *   ODATA_PAGE_SIZE         server-driven page size (default 100)
 *   ODATA_SKIP              'refuse' (default): $skip on a collection is a 400; 'ignore': served as if absent
 *   ODATA_UNEVEN_PAGES      'true' (default) varies page sizes; 'false' fills every page but the last
 *   ODATA_EMPTY_PAGES       'true' (default) makes every 4th page empty (with a next link); 'false' never
 *   ODATA_IGNORE_TOP        'true' ignores $top (pages of the server's size); 'false' (default) honours it
 *   ODATA_CONTROL_ENDPOINT  'true' exposes {root}/$test/... for fault injection (default off)
 *   ODATA_API_VERSION       'beta' (default) or 'v1.0': publicError, the v1.0 $metadata, external/connections only
 *   ODATA_OPERATIONS_API    'graph': operations read by id only (Graph today; the v1.0 default), 'seed': the 2019-2020
 *                           beta API with list, create, update, delete and $ref (the beta default)
 *   ODATA_OPERATION_DELAY_MS  how long schema registrations and connection deletions stay inprogress: an integer
 *                           number of milliseconds (default 3000), or 'Infinity' (only POST {root}/$test/settleOperations ends them)
 *   ODATA_SCHEMA_REGISTRATION 'operation' (default: 202 + Location), 'ok' (200 at once) or 'created' (201 at once)
 *   ODATA_CONNECTION_DELETION 'operation' (default: 202 + Location), 'accepted' (202, no Location) or 'noContent' (204)
 *
 * Prints one line `OData service root: http://HOST:PORT/beta` (`/v1.0` in the v1.0 mode); exits 0 on SIGINT/SIGTERM after
 * closing every connection. Invalid configuration stops the start with one line naming the variable.
 */
import { type LifecycleOptions, OPERATIONS_APIS, type OperationsApi } from './lifecycle.js';
import { API_VERSIONS, type ApiVersion } from './model.js';
import type { PagingOptions, SkipHandling } from './paging.js';
import { createODataService } from './service.js';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const port = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) fail(`Invalid PORT=${JSON.stringify(value)}: expected an integer from 0 to 65535 (0 = any free port).`);
  return port;
}

function parsePageSize(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!(Number.isSafeInteger(n) && n >= 1)) fail(`Invalid ODATA_PAGE_SIZE=${JSON.stringify(value)}: expected a positive integer.`);
  return n;
}

function parseFlag(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  return fail(`Invalid ${name}=${JSON.stringify(value)}: expected true or false.`);
}

/** A switch whose default is the service's own: unset or empty leaves it to the service. */
function parseOptionalFlag(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return fail(`Invalid ${name}=${JSON.stringify(value)}: expected true or false.`);
}

function parseSkip(value: string | undefined): SkipHandling | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'refuse' || value === 'ignore') return value;
  return fail(`Invalid ODATA_SKIP=${JSON.stringify(value)}: expected refuse or ignore.`);
}

function parsePaging(env: NodeJS.ProcessEnv): PagingOptions {
  const paging: PagingOptions = {};
  const skip = parseSkip(env['ODATA_SKIP']);
  if (skip !== undefined) paging.skip = skip;
  const flags: ReadonlyArray<readonly ['unevenPages' | 'emptyPages' | 'ignoreTop', string]> = [
    ['unevenPages', 'ODATA_UNEVEN_PAGES'],
    ['emptyPages', 'ODATA_EMPTY_PAGES'],
    ['ignoreTop', 'ODATA_IGNORE_TOP'],
  ];
  for (const [option, name] of flags) {
    const flag = parseOptionalFlag(name, env[name]);
    if (flag !== undefined) paging[option] = flag;
  }
  return paging;
}

function parseApiVersion(value: string | undefined): ApiVersion {
  if (value === undefined || value === '') return 'beta';
  const version = API_VERSIONS.find((v) => v === value);
  return version ?? fail(`Invalid ODATA_API_VERSION=${JSON.stringify(value)}: expected ${API_VERSIONS.join(' or ')}.`);
}

/** One of `choices`, or undefined when unset or empty (the service's default). */
function parseChoice<T extends string>(name: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined || value === '') return undefined;
  const choice = choices.find((c) => c === value);
  return choice ?? fail(`Invalid ${name}=${JSON.stringify(value)}: expected ${choices.join(', ')}.`);
}

function parseOperationDelay(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  const ms = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(ms)) fail(`Invalid ODATA_OPERATION_DELAY_MS=${JSON.stringify(value)}: expected a non-negative integer (milliseconds) or Infinity.`);
  return ms;
}

function parseLifecycle(env: NodeJS.ProcessEnv): LifecycleOptions {
  const lifecycle: LifecycleOptions = {};
  const schemaRegistration = parseChoice('ODATA_SCHEMA_REGISTRATION', env['ODATA_SCHEMA_REGISTRATION'], ['operation', 'ok', 'created'] as const);
  if (schemaRegistration !== undefined) lifecycle.schemaRegistration = schemaRegistration;
  const connectionDeletion = parseChoice('ODATA_CONNECTION_DELETION', env['ODATA_CONNECTION_DELETION'], ['operation', 'accepted', 'noContent'] as const);
  if (connectionDeletion !== undefined) lifecycle.connectionDeletion = connectionDeletion;
  return lifecycle;
}

const port = parsePort(process.env['PORT']);
const host = process.env['HOST'] || '127.0.0.1';
const pageSize = parsePageSize(process.env['ODATA_PAGE_SIZE']);
const controlEndpoint = parseFlag('ODATA_CONTROL_ENDPOINT', process.env['ODATA_CONTROL_ENDPOINT']);
const apiVersion = parseApiVersion(process.env['ODATA_API_VERSION']);
const paging = parsePaging(process.env);
const operationsApi: OperationsApi | undefined = parseChoice('ODATA_OPERATIONS_API', process.env['ODATA_OPERATIONS_API'], OPERATIONS_APIS);
const operationDelayMs = parseOperationDelay(process.env['ODATA_OPERATION_DELAY_MS']);
const lifecycle = parseLifecycle(process.env);

// Without the control endpoint nothing can read the request log, and a long-running service must not grow it.
const service = createODataService({
  seed: true,
  controlEndpoint,
  apiVersion,
  paging,
  lifecycle,
  ...(pageSize !== undefined ? { pageSize } : {}),
  ...(operationsApi !== undefined ? { operationsApi } : {}),
  ...(operationDelayMs !== undefined ? { operationDelayMs } : {}),
  ...(controlEndpoint ? {} : { requestLogMax: 0 }),
});

try {
  const url = await service.listen(port, host);
  process.stdout.write(`OData service root: ${url}\n`);
} catch (error) {
  fail(`Could not listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`);
}

let stopping = false;
function shutdown(signal: NodeJS.Signals): void {
  if (stopping) {
    process.stderr.write(`Received ${signal} again; exiting now.\n`);
    process.exit(1);
  }
  stopping = true;
  service.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`Error while closing: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
