/**
 * How a prepared operation of the direct path is executed: a query compiled by graphql-jit into one function
 * for its document, or graphql-js `execute`.
 *
 * Why compile: graphql-js interprets the document on every request, and pays per field for it (an info
 * object, argument coercion, a completion switch, a promise for each async level), which made the executor
 * the largest cost of the gateway's own work per request. graphql-jit generates that walk once per document.
 * (docs/benchmarks.md has the figures.)
 *
 * What a compiled query answers is what graphql-js answers, byte for byte (test/unit/query-plans.test.ts runs
 * a corpus both ways; test/gateway/request-handler.test.ts compares the gateway's answers with yoga's); where
 * graphql-jit differs or fails, graphql-js is kept:
 * - variables are checked by graphql-js first (`getVariableValues`); when they do not coerce, graphql-js
 *   answers, before anything runs, in its own words (graphql-jit words its refusals differently);
 * - errors are made graphql-js errors again (source and positions, so masking keeps their locations) and
 *   the result has graphql-js's key order (`errors` before `data`);
 * - mutations run on graphql-js: nothing to gain for the few there are, and their serial, once-only writes
 *   stay exactly as the lifecycle tests have them;
 * - so do operations with input-object variables ({@link QueryPlans.hasPlainVariables}) and documents
 *   graphql-jit cannot compile.
 *
 * Compiling costs (measured): about 1.2 µs of CPU and 80–260 bytes of heap per character of query text (a
 * 500-alias query: 86 ms and 3.5 MB). A client could send many new texts to make the gateway compile, so
 * only texts of at most {@link QueryPlanLimits.maxQueryChars} are compiled, and the plans held at once are
 * bounded in number and in characters; past that an operation runs on graphql-js. A plan lives as long as its
 * prepared document (PreparedDocuments tells when one leaves).
 */
import {
  execute,
  getNamedType,
  getVariableValues,
  GraphQLError,
  isLeafType,
  typeFromAST,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type Source,
} from 'graphql';
import type { GatewayContext } from '../context.js';

/** Runs one operation of one prepared document with a request's context and variables. */
export type Executor = (
  contextValue: GatewayContext,
  variableValues: Record<string, unknown> | undefined,
) => Promise<ExecutionResult> | ExecutionResult;

/** What QueryPlans needs of a prepared operation. */
export interface PlannedOperation {
  readonly document: DocumentNode;
  readonly definition: OperationDefinitionNode;
  readonly operationName: string | undefined;
  /** Characters of its query text. */
  readonly chars: number;
  /** Kept by PreparedDocuments (made once per text and name), so its plan can be kept too. */
  readonly kept: boolean;
  /** Its executor once chosen. */
  executor?: Executor;
}

export interface QueryPlanLimits {
  /** Longest query text compiled. */
  maxQueryChars: number;
  /** Compiled plans held at once. */
  maxPlans: number;
  /** Characters of the query texts of the plans held, in all. */
  maxPlannedChars: number;
}

export const DEFAULT_QUERY_PLAN_LIMITS: QueryPlanLimits = { maxQueryChars: 4096, maxPlans: 128, maxPlannedChars: 64 * 1024 };

type Compiler = typeof import('graphql-jit');

/**
 * graphql-jit, loaded when the first query that could be compiled comes rather than at start: with the modules
 * it pulls in (fast-json-stringify and ajv, which the gateway does not use) it is some 100 modules and 3.3 MiB
 * of a process that may serve no query for a while. Until it is there, queries run on graphql-js.
 */
let compiler: Compiler | undefined;
let loading: Promise<void> | undefined;

/** Loads graphql-jit (once); resolves when compiling can begin. */
export function loadQueryCompiler(): Promise<void> {
  loading ??= import('graphql-jit').then(
    (module) => {
      compiler = module;
    },
    // It is part of the install; were it missing, every query would run on graphql-js.
    () => undefined,
  );
  return loading;
}

/** graphql-jit's options: graphql-js's skip/include semantics in fragment spreads; no stack trace per error. */
const COMPILER_OPTIONS = { useExperimentalPathBasedSkipInclude: true, disablingCapturingStackErrors: true };

/** Runs so far by each executor (the tests check which one answered). */
export interface QueryPlanStats {
  compiled: number;
  interpreted: number;
}

export class QueryPlans {
  private plans = 0;
  private plannedChars = 0;
  readonly stats: QueryPlanStats = { compiled: 0, interpreted: 0 };

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly limits: QueryPlanLimits = DEFAULT_QUERY_PLAN_LIMITS,
  ) {}

  /** Compiled plans held now (for tests). */
  get size(): number {
    return this.plans;
  }

  /**
   * The executor of `operation`: chosen on its first run and kept with it, except while graphql-jit is still
   * loading (the operation is run by graphql-js and its executor chosen again on its next run).
   */
  executorFor(operation: PlannedOperation): Executor {
    if (operation.executor !== undefined) return operation.executor;
    if (compiler === undefined && this.compilable(operation)) {
      void loadQueryCompiler();
      return this.interpreted(operation);
    }
    operation.executor = (compiler !== undefined ? this.compile(compiler, operation) : undefined) ?? this.interpreted(operation);
    return operation.executor;
  }

  /** A prepared operation left the cache: its plan's share of the bounds is free again. */
  released(operation: PlannedOperation): void {
    if (operation.executor === undefined || !compiledExecutors.has(operation.executor)) return;
    this.plans--;
    this.plannedChars -= operation.chars;
  }

  /** Whether `operation` is of a kind that is compiled (the bounds on plans held aside). */
  private compilable(operation: PlannedOperation): boolean {
    return (
      operation.definition.operation === 'query' &&
      operation.kept &&
      operation.chars <= this.limits.maxQueryChars &&
      this.hasPlainVariables(operation.definition)
    );
  }

  private compile({ compileQuery, isCompiledQuery }: Compiler, operation: PlannedOperation): Executor | undefined {
    const { limits } = this;
    if (!this.compilable(operation) || this.plans >= limits.maxPlans || this.plannedChars + operation.chars > limits.maxPlannedChars) return undefined;
    // (compileQuery answers its failures as a result rather than throwing them.)
    const compiled = compileQuery(this.schema, operation.document, operation.operationName, COMPILER_OPTIONS);
    // A document graphql-js validated but graphql-jit cannot compile (an alias named __proto__, say) runs on graphql-js.
    if (!isCompiledQuery(compiled)) return undefined;
    this.plans++;
    this.plannedChars += operation.chars;
    const interpreted = this.interpreted(operation);
    const source = operation.document.loc?.source;
    const { schema, stats } = this;
    const definitions = operation.definition.variableDefinitions ?? [];
    const checksVariables = definitions.length > 0;
    const executor: Executor = (contextValue, variableValues) => {
      // graphql-js decides whether the variables coerce, and words the refusal (see the file comment).
      if (checksVariables && getVariableValues(schema, definitions, variableValues ?? {}).errors !== undefined) {
        return interpreted(contextValue, variableValues);
      }
      stats.compiled++;
      const result = compiled.query(undefined, contextValue, variableValues) as Promise<ExecutionResult> | ExecutionResult;
      return result instanceof Promise ? result.then((done) => asGraphqlJs(done, source)) : asGraphqlJs(result, source);
    };
    compiledExecutors.add(executor);
    return executor;
  }

  /**
   * Whether every variable is of a scalar or enum type (or lists of them). graphql-jit generates the parsing
   * of input-object variables inline, and never ends on a recursive input type (its issue #81, open since
   * 2020; `ConnectionOperationFilter.or` is one): operations with such variables run on graphql-js.
   */
  private hasPlainVariables(definition: OperationDefinitionNode): boolean {
    for (const variable of definition.variableDefinitions ?? []) {
      const type = typeFromAST(this.schema, variable.type);
      if (type === undefined || !isLeafType(getNamedType(type))) return false;
    }
    return true;
  }

  private interpreted(operation: PlannedOperation): Executor {
    const { schema, stats } = this;
    const { document, operationName } = operation;
    return (contextValue, variableValues) => {
      stats.interpreted++;
      return execute({ schema, document, contextValue, variableValues, operationName });
    };
  }
}

/** The executors QueryPlans compiled (to count them out again when their operation leaves). */
const compiledExecutors = new WeakSet<Executor>();

/** A compiled query's result as graphql-js gives it: graphql-js's errors, listed before `data`. */
function asGraphqlJs(result: ExecutionResult, source: Source | undefined): ExecutionResult {
  const { errors } = result;
  if (errors === undefined || errors.length === 0) return result;
  const converted = errors.map((error) => asGraphqlJsError(error, source));
  return 'data' in result ? { errors: converted, data: result.data } : { errors: converted };
}

/**
 * graphql-jit's error as graphql-js's: graphql-jit gives locations only, graphql-js errors carry the
 * document's source and positions, from which masking (yoga's maskError) rebuilds the locations.
 */
function asGraphqlJsError(error: GraphQLError, source: Source | undefined): GraphQLError {
  const positions = source === undefined ? undefined : error.locations?.map((location) => offsetOf(source.body, location.line, location.column));
  // graphql-js makes a null in a non-null field a plain Error (so masking hides it, as a bug of the
  // resolvers); graphql-jit makes it with no original error at all.
  const originalError = error.originalError ?? (error.message.startsWith(NON_NULL_VIOLATION) ? new Error(error.message) : undefined);
  return new GraphQLError(error.message, {
    source: positions === undefined ? undefined : source,
    positions,
    path: error.path,
    originalError,
    extensions: error.extensions,
  });
}

/** How graphql-js 16 (and graphql-jit) begin the message of a null in a non-null field. */
const NON_NULL_VIOLATION = 'Cannot return null for non-nullable field ';

/** The offset in `body` of a 1-based line and column (as graphql-js's getLocation counts them). */
function offsetOf(body: string, line: number, column: number): number {
  const lineBreak = /\r\n|[\n\r]/g;
  let offset = 0;
  for (let at = 1; at < line; at++) {
    const found = lineBreak.exec(body);
    if (found === null) break;
    offset = lineBreak.lastIndex;
  }
  return offset + column - 1;
}
