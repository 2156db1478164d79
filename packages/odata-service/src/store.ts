/**
 * In-memory data of the embedded OData service: tenants → connections → operations and each connection's
 * schema.
 *
 * Operations live in an insertion-ordered `Map`, which gives collections a stable default order (needed
 * for offset-based server-driven paging). Every write of an operation or a connection (its own properties,
 * its state, its schema) stamps a fresh weak ETag from one counter that never goes backwards, not even on
 * `clear()`, so an ETag a client saw can never match a later version.
 *
 * The store hands out copies: callers (router, tests) can never mutate stored state by accident.
 */
import type { ApiVersion } from './model.js';
import { sampleConnections } from './sample-data.js';

export interface InnerErrorDetail {
  source?: string | null;
  message?: string | null;
}
export interface ErrorDetail {
  errorCode?: string | null;
  message?: string | null;
  details?: InnerErrorDetail[] | null;
}
/** v1.0's `publicErrorDetail`. */
export interface PublicErrorDetail {
  code?: string | null;
  message?: string | null;
  target?: string | null;
}
/** v1.0's `publicInnerError`. */
export interface PublicInnerError {
  code?: string | null;
  message?: string | null;
  target?: string | null;
  details?: PublicErrorDetail[] | null;
}
/** v1.0's `publicError`. */
export interface PublicError {
  code?: string | null;
  message?: string | null;
  target?: string | null;
  details?: PublicErrorDetail[] | null;
  innerError?: PublicInnerError | null;
}
/**
 * `connectionOperation.error` as stored: the shape of the service's API version (payload.ts validates
 * writes), or, put by a test, the other one, to imitate an upstream that mixes them.
 */
export type StoredError = ErrorDetail | PublicError;
export interface StoredOperation {
  id: string;
  /** Any string: tests store members the contract does not know (e.g. 'paused') to imitate an evolved upstream. */
  status: string | null;
  error: StoredError | null;
  /** Weak ETag, e.g. `W/"17"`; changes on every write. */
  etag: string;
}
/** An externalConnection: `state` is any string, so tests can store members the gateway does not know. */
export interface StoredConnection {
  id: string;
  name: string;
  description: string | null;
  /** connectionState member (`draft`, `ready`, `obsolete`, `limitExceeded`, `unknownFutureValue`, …). */
  state: string | null;
  /** Weak ETag, e.g. `W/"17"`; changes on every write of the connection (properties, state, schema). */
  etag: string;
}

/**
 * One property of a connection's schema (externalConnectors `property`). `type` and `labels` are any strings,
 * so tests can store members of an evolved Graph; registration through the API stores every field.
 */
export interface StoredSchemaProperty {
  name: string;
  /** A propertyType member (`string`, `int64`, …). */
  type: string;
  isSearchable?: boolean | null;
  isQueryable?: boolean | null;
  isRetrievable?: boolean | null;
  isRefinable?: boolean | null;
  isExactMatchRequired?: boolean | null;
  /** label members (`title`, `url`, …). */
  labels?: string[] | null;
  aliases?: string[] | null;
}

/** A registered schema (externalConnectors `schema`). */
export interface StoredSchema {
  baseType: string;
  properties: StoredSchemaProperty[];
}

/** Input of {@link ODataStore.putConnection}: what is left undefined keeps its value (or a default when new). */
export interface ConnectionInput {
  id: string;
  name?: string;
  description?: string | null;
  state?: string | null;
}

/** Input of a write; `status`/`error` left `undefined` mean "not given" (keep, or null when new). */
export interface OperationInput {
  id: string;
  status?: string | null;
  error?: StoredError | null;
}

export type InsertResult =
  | { ok: true; operation: StoredOperation }
  | { ok: false; reason: 'connection-not-found' | 'conflict' };

export type InsertConnectionResult = { ok: true; connection: StoredConnection } | { ok: false; reason: 'conflict' };

export interface ODataStore {
  // tenant is the bearer token value, or '' when tenancy is off / no token
  addConnection(connectionId: string, name?: string, tenant?: string): void;
  /** Upsert of a connection's own properties (its operations are kept). */
  putConnection(connection: ConnectionInput, tenant?: string): StoredConnection;
  /** Upsert: creates the connection if missing; merges into an existing operation; always a new ETag. */
  putOperation(
    connectionId: string,
    op: { id: string; status?: string | null; error?: StoredError | null },
    tenant?: string,
  ): StoredOperation;
  getOperation(connectionId: string, id: string, tenant?: string): StoredOperation | undefined;
  listOperations(connectionId: string, tenant?: string): StoredOperation[];
  allOperations(tenant?: string): Array<StoredOperation & { connectionId: string }>;
  seedSampleData(tenant?: string): void;
  clear(): void;

  // Beyond the contract: what the router needs.
  getConnection(connectionId: string, tenant?: string): StoredConnection | undefined;
  listConnections(tenant?: string): StoredConnection[];
  /** Create-only insert (POST semantics): fails on unknown connection or an existing id. */
  insertOperation(connectionId: string, op: OperationInput, tenant?: string): InsertResult;
  /** Merge `status`/`error` into an existing operation; undefined when connection or operation is missing. */
  updateOperation(
    connectionId: string,
    id: string,
    patch: { status?: string | null; error?: StoredError | null },
    tenant?: string,
  ): StoredOperation | undefined;
  /** True when something was deleted. */
  deleteOperation(connectionId: string, id: string, tenant?: string): boolean;

  /** Create-only insert of a connection (POST semantics): fails when the id exists; `state` defaults to `draft`. */
  insertConnection(connection: ConnectionInput, tenant?: string): InsertConnectionResult;
  /** Removes a connection with its operations and schema; true when it existed. */
  deleteConnection(connectionId: string, tenant?: string): boolean;
  /** The registered schema, or undefined when none is (or the connection does not exist). */
  getSchema(connectionId: string, tenant?: string): StoredSchema | undefined;
  /**
   * Stores (or with null removes) a connection's schema as given, without any check (tests store members of an
   * evolved Graph this way); creates the connection if missing. A new connection ETag either way.
   */
  putSchema(connectionId: string, schema: StoredSchema | null, tenant?: string): void;
}

interface ConnectionRecord {
  id: string;
  name: string;
  description: string | null;
  state: string | null;
  etag: string;
  schema: StoredSchema | null;
  operations: Map<string, StoredOperation>;
}

function copyError(error: StoredError | null | undefined): StoredError | null {
  return error == null ? null : structuredClone(error);
}

function copyConnection(connection: ConnectionRecord): StoredConnection {
  return { id: connection.id, name: connection.name, description: connection.description, state: connection.state, etag: connection.etag };
}

function copyOperation(op: StoredOperation): StoredOperation {
  return { id: op.id, status: op.status, error: copyError(op.error), etag: op.etag };
}

/** `apiVersion` chooses the error shape of the sample data (default `beta`). */
export function createStore(apiVersion: ApiVersion = 'beta'): ODataStore {
  const tenants = new Map<string, Map<string, ConnectionRecord>>();
  let etagCounter = 0;
  const nextEtag = (): string => `W/"${++etagCounter}"`;

  function connectionsOf(tenant: string): Map<string, ConnectionRecord> {
    let connections = tenants.get(tenant);
    if (!connections) {
      connections = new Map();
      tenants.set(tenant, connections);
    }
    return connections;
  }

  function findConnection(connectionId: string, tenant: string): ConnectionRecord | undefined {
    return tenants.get(tenant)?.get(connectionId);
  }

  function ensureConnection(connectionId: string, tenant: string, name?: string): ConnectionRecord {
    const connections = connectionsOf(tenant);
    let connection = connections.get(connectionId);
    if (!connection) {
      connection = { id: connectionId, name: name ?? connectionId, description: null, state: 'ready', etag: nextEtag(), schema: null, operations: new Map() };
      connections.set(connectionId, connection);
    } else if (name !== undefined) {
      connection.name = name;
      connection.etag = nextEtag();
    }
    return connection;
  }

  const store: ODataStore = {
    addConnection(connectionId, name, tenant = '') {
      ensureConnection(connectionId, tenant, name);
    },

    putConnection(input, tenant = '') {
      const connection = ensureConnection(input.id, tenant, input.name);
      if (input.description !== undefined) connection.description = input.description;
      if (input.state !== undefined) connection.state = input.state;
      connection.etag = nextEtag();
      return copyConnection(connection);
    },

    putOperation(connectionId, op, tenant = '') {
      const connection = ensureConnection(connectionId, tenant);
      const existing = connection.operations.get(op.id);
      const stored: StoredOperation = {
        id: op.id,
        status: op.status !== undefined ? op.status : (existing?.status ?? null),
        error: op.error !== undefined ? copyError(op.error) : copyError(existing?.error),
        etag: nextEtag(),
      };
      connection.operations.set(op.id, stored);
      return copyOperation(stored);
    },

    getOperation(connectionId, id, tenant = '') {
      const op = findConnection(connectionId, tenant)?.operations.get(id);
      return op ? copyOperation(op) : undefined;
    },

    listOperations(connectionId, tenant = '') {
      const connection = findConnection(connectionId, tenant);
      return connection ? [...connection.operations.values()].map(copyOperation) : [];
    },

    allOperations(tenant = '') {
      const result: Array<StoredOperation & { connectionId: string }> = [];
      for (const connection of tenants.get(tenant)?.values() ?? []) {
        for (const op of connection.operations.values()) result.push({ ...copyOperation(op), connectionId: connection.id });
      }
      return result;
    },

    seedSampleData(tenant = '') {
      for (const sample of sampleConnections(apiVersion)) {
        store.putConnection({ id: sample.id, name: sample.name, description: sample.description, state: sample.state }, tenant);
        for (const op of sample.operations) store.putOperation(sample.id, op, tenant);
        if (sample.schema) store.putSchema(sample.id, sample.schema, tenant);
      }
    },

    clear() {
      // The ETag counter deliberately survives: ETags from before a clear must never match again.
      tenants.clear();
    },

    getConnection(connectionId, tenant = '') {
      const connection = findConnection(connectionId, tenant);
      return connection ? copyConnection(connection) : undefined;
    },

    listConnections(tenant = '') {
      return [...(tenants.get(tenant)?.values() ?? [])].map(copyConnection);
    },

    insertOperation(connectionId, op, tenant = '') {
      const connection = findConnection(connectionId, tenant);
      if (!connection) return { ok: false, reason: 'connection-not-found' };
      if (connection.operations.has(op.id)) return { ok: false, reason: 'conflict' };
      const stored: StoredOperation = {
        id: op.id,
        status: op.status ?? null,
        error: copyError(op.error),
        etag: nextEtag(),
      };
      connection.operations.set(op.id, stored);
      return { ok: true, operation: copyOperation(stored) };
    },

    updateOperation(connectionId, id, patch, tenant = '') {
      const existing = findConnection(connectionId, tenant)?.operations.get(id);
      if (!existing) return undefined;
      if (patch.status !== undefined) existing.status = patch.status;
      if (patch.error !== undefined) existing.error = copyError(patch.error);
      existing.etag = nextEtag();
      return copyOperation(existing);
    },

    deleteOperation(connectionId, id, tenant = '') {
      return findConnection(connectionId, tenant)?.operations.delete(id) ?? false;
    },

    insertConnection(input, tenant = '') {
      const connections = connectionsOf(tenant);
      if (connections.has(input.id)) return { ok: false, reason: 'conflict' };
      const connection: ConnectionRecord = {
        id: input.id,
        name: input.name ?? input.id,
        description: input.description ?? null,
        state: input.state !== undefined ? input.state : 'draft',
        etag: nextEtag(),
        schema: null,
        operations: new Map(),
      };
      connections.set(input.id, connection);
      return { ok: true, connection: copyConnection(connection) };
    },

    deleteConnection(connectionId, tenant = '') {
      return tenants.get(tenant)?.delete(connectionId) ?? false;
    },

    getSchema(connectionId, tenant = '') {
      const schema = findConnection(connectionId, tenant)?.schema;
      return schema ? structuredClone(schema) : undefined;
    },

    putSchema(connectionId, schema, tenant = '') {
      const connection = ensureConnection(connectionId, tenant);
      connection.schema = schema === null ? null : structuredClone(schema);
      connection.etag = nextEtag();
    },
  };
  return store;
}
