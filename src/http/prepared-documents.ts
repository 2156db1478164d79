/**
 * The documents of the direct path, each prepared once per query text: nesting-checked, parsed and
 * validated by yoga's own `parse` and `validate` (so with every plugin's rules and limits: depth, aliases,
 * tokens, directives, cost, hidden suggestions), and its operations resolved per operation name. A repeated
 * request (nearly all of them: frontends and routers send a few query texts over and over) costs one Map
 * lookup here.
 *
 * A text yoga would refuse is remembered as refused, so a client repeating it does not make the gateway
 * parse it twice per request; yoga answers it (the direct path hands it over). The cache is bounded in
 * entries and in characters kept, the first prepared first out: a hit costs no reordering, and a text that
 * left while still in use is prepared again on its next request. Each operation kept here also keeps how it
 * runs (query-plans.ts: a compiled query, or graphql-js), and its plan leaves with its text.
 */
import { getOperationAST, type DocumentNode, type GraphQLError, type GraphQLSchema, type OperationTypeNode } from 'graphql';
import { documentNesting } from '../plugins/use-nesting-limits.js';
import type { PlannedOperation } from './query-plans.js';

/** Yoga's parse and validate, with every plugin's hooks (what `yoga.getEnveloped()` gives). */
export interface DocumentChecks {
  parse(source: string): DocumentNode;
  validate(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[];
  schema: GraphQLSchema;
}

export interface PreparedOperation extends PlannedOperation {
  /** `query` or `mutation` (a subscription is never prepared: yoga serves those). */
  readonly kind: OperationTypeNode;
}

interface Entry {
  /** Undefined: refused (yoga answers it). */
  readonly document: DocumentNode | undefined;
  /** By operation name ('' when none is given); null: no such operation, or a subscription. */
  readonly operations: Map<string, PreparedOperation | null>;
}

const REFUSED: Entry = { document: undefined, operations: new Map() };

export interface PreparedDocumentsOptions {
  /** Distinct query texts kept. */
  maxEntries: number;
  /** Characters of query text kept in all. */
  maxChars: number;
  /** The deepest `{`/`[` nesting of a document yoga's nesting limit allows. */
  maxDocumentNesting: number;
  /** Told of each kept operation whose text leaves the cache (its plan goes with it). */
  onReleased?(operation: PreparedOperation): void;
}

export class PreparedDocuments {
  private readonly entries = new Map<string, Entry>();
  private chars = 0;

  constructor(
    private readonly checks: (operationName: string | undefined) => DocumentChecks,
    private readonly options: PreparedDocumentsOptions,
  ) {}

  /** The operation to execute, or undefined when yoga is to answer the request. */
  operation(query: string, operationName: string | undefined): PreparedOperation | undefined {
    let entry = this.entries.get(query);
    if (entry === undefined) {
      const prepared = this.prepare(query, operationName);
      // Parsed, but not for this operation name: yoga refuses the request; the text may serve another name.
      if (prepared === undefined) return undefined;
      entry = prepared;
      this.remember(query, entry);
    }
    if (entry.document === undefined) return undefined;
    const name = operationName ?? '';
    let operation = entry.operations.get(name);
    if (operation === undefined) {
      const node = getOperationAST(entry.document, operationName);
      // Bounded by the document's own operations (plus one miss per name tried: at most a few per entry).
      const kept = entry.operations.size < 16;
      operation =
        node == null || node.operation === 'subscription'
          ? null
          : { document: entry.document, definition: node, kind: node.operation, operationName, chars: query.length, kept };
      if (kept) entry.operations.set(name, operation);
    }
    return operation ?? undefined;
  }

  /** Query texts kept now (for tests). */
  get size(): number {
    return this.entries.size;
  }

  /** The entry of a new query text; undefined when it parses but names no operation `operationName` chooses. */
  private prepare(query: string, operationName: string | undefined): Entry | undefined {
    // Before parsing: a document nested deeper than the limit would cost the parser's recursion.
    if (documentNesting(query, this.options.maxDocumentNesting) > this.options.maxDocumentNesting) return REFUSED;
    const checks = this.checks(operationName);
    try {
      const document = checks.parse(query);
      // (The document limits' rules throw their refusal rather than return it.)
      if (checks.validate(checks.schema, document).length > 0) return REFUSED;
      return { document, operations: new Map() };
    } catch (error) {
      // Yoga's parse hooks also resolve the request's operation (its check of mutations over GET).
      return (error as { extensions?: { code?: unknown } }).extensions?.code === 'OPERATION_RESOLUTION_FAILURE' ? undefined : REFUSED;
    }
  }

  private remember(query: string, entry: Entry): void {
    if (query.length > this.options.maxChars) return;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size < this.options.maxEntries && this.chars + query.length <= this.options.maxChars) break;
      this.release(this.entries.get(oldest)!);
      this.entries.delete(oldest);
      this.chars -= oldest.length;
    }
    this.entries.set(query, entry);
    this.chars += query.length;
  }

  private release(entry: Entry): void {
    const { onReleased } = this.options;
    if (onReleased === undefined) return;
    for (const operation of entry.operations.values()) if (operation !== null) onReleased(operation);
  }
}
