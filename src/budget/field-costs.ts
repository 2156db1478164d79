/**
 * What one occurrence of a field costs upstream, by `Type.field`: the one table the request budget reads.
 * A field that is not listed costs nothing of its own (it is served from its parent's answer); its selection
 * still counts, once per instance of the parent. A new field that reaches the upstream is one line here.
 */
import { argumentLimits } from '../resolvers/arguments.js';

/** The cost of one occurrence of a field, for one instance of its parent, from its coerced arguments. */
export interface FieldCost {
  /** Upstream requests of their own (a list page, a write and its read-back). */
  requests: number;
  /** Reads by key; they go out together as `$batch` posts (see estimate.ts). */
  keyedReads: number;
  /** Entities the field brings: list nodes asked for, entities read by key or written. */
  nodes: number;
  /** Instances of the field's selection set: what the costs of fields below it are multiplied by. */
  instances: number;
  /**
   * Upstream reads that go out together with the same field's reads under the other instances of its parent
   * (a page loader's `$batch` parts): counted across those instances, then `readsPerRequest` to a request
   * (see estimate.ts). Absent: none.
   */
  batchedReads?: number;
}

/** What the rules may depend on besides the arguments. */
export interface CostSettings {
  /** Nodes of a list page when `first` is not given (DEFAULT_PAGE_SIZE). */
  defaultPageSize: number;
}

/**
 * How a field costs: `arguments` names the arguments the cost depends on; only those are read (and only
 * their variables coerced), so a field whose cost does not depend on a variable (`node(id: $id)`) costs
 * nothing per request once its document is compiled.
 */
export interface FieldRule {
  arguments: readonly string[];
  cost(args: Readonly<Record<string, unknown>>, settings: CostSettings): FieldCost;
}

/** `Type.field` → rule. */
export type FieldCostTable = Readonly<Record<string, FieldRule>>;

/** Entries of a coerced list argument (input coercion always makes a list; absent is none). */
function lengthOf(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

const reads = (n: number): FieldCost => ({ requests: 0, keyedReads: n, nodes: n, instances: n });

/** What a field refused by its argument checks costs: nothing, as it fails before any upstream request. */
const REFUSED: FieldCost = { requests: 0, keyedReads: 0, nodes: 0, instances: 0 };

/**
 * A Relay list page of `argument` nodes (absent or null: the configured page size): one upstream request.
 * A value outside what checkFirst accepts (1..1000) costs nothing; the argument check refuses it with its
 * own error. The runtime may follow `@odata.nextLink`s to fill the page; those are bounded by the paging
 * layer and counted by the upstream client, not here.
 */
export const listPage = (argument: string): FieldRule => ({
  arguments: [argument],
  cost(args, { defaultPageSize }) {
    const value = args[argument];
    if (typeof value === 'number' && !(value >= argumentLimits.minFirst && value <= argumentLimits.maxFirst)) return REFUSED;
    const nodes = typeof value === 'number' ? value : defaultPageSize;
    return { requests: 1, keyedReads: 0, nodes, instances: nodes };
  },
});

/**
 * A list page read through the request's page loader (ExternalConnection.operations): the pages of every
 * instance of the parent go out together as `$batch` parts, so the page is a batched read, not a request of
 * its own; its nodes multiply like any list's.
 */
export const batchedListPage = (argument: string): FieldRule => {
  const page = listPage(argument);
  return {
    arguments: page.arguments,
    cost(args, settings) {
      const cost = page.cost(args, settings);
      return cost.requests === 0 ? cost : { ...cost, requests: 0, batchedReads: cost.requests };
    },
  };
};

/** One read by key through the request's loader. */
export const keyedRead: FieldRule = { arguments: [], cost: () => reads(1) };

/**
 * A read by key through the request's loader per entry of the list `argument`, up to `max` entries; a longer
 * list is refused by the argument check before any read, so it costs nothing.
 */
export const keyedReadsPer = (argument: string, max = Infinity): FieldRule => ({
  arguments: [argument],
  cost(args) {
    const n = lengthOf(args[argument]);
    return n > max ? REFUSED : reads(n);
  },
});

/** A write: the request itself and, when an update is answered 204, the read-back of the entity. */
export const write: FieldRule = { arguments: [], cost: () => ({ requests: 2, keyedReads: 0, nodes: 1, instances: 1 }) };

/**
 * A read through a request's loader whose reads of every instance of the parent go out together (a schema per
 * connection of a page: `$batch` parts), like a batched list page.
 */
export const batchedRead: FieldRule = { arguments: [], cost: () => ({ requests: 0, keyedReads: 0, nodes: 1, instances: 1, batchedReads: 1 }) };

/** A write that may start an operation upstream: the write, then reads of what its payload shows (`reads`). */
export const acceptedWrite = (reads: number): FieldRule => ({ arguments: [], cost: () => ({ requests: 1 + reads, keyedReads: 0, nodes: reads, instances: 1 }) });

/** The gateway's fields that reach the upstream. */
export const fieldCosts: FieldCostTable = {
  'Query.connectionOperations': listPage('first'),
  'Query.connectionOperation': keyedRead,
  'Query.externalConnections': listPage('first'),
  'Query.externalConnection': keyedRead,
  'ExternalConnection.operations': batchedListPage('first'),
  'ExternalConnection.schema': batchedRead,
  'Query.node': keyedRead,
  'Query.nodes': keyedReadsPer('ids', argumentLimits.maxNodeIds),
  'Query._entities': keyedReadsPer('representations'),
  'Mutation.createConnectionOperation': write,
  'Mutation.updateConnectionOperation': write,
  'Mutation.deleteConnectionOperation': write,
  'Mutation.addConnectionOperationReference': write,
  'Mutation.createExternalConnection': write,
  // The payload's connection and the operation its Location names.
  'Mutation.registerConnectionSchema': acceptedWrite(2),
  'Mutation.deleteExternalConnection': acceptedWrite(1),
};
