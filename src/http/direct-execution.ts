/**
 * The direct path of a GraphQL request: a POST of JSON answered as JSON, which is nearly every request a
 * frontend or a router sends. The document comes prepared from the cache (parsed, limit-checked and
 * validated once per query text by yoga's own parse and validate: prepared-documents.ts); it runs with the
 * gateway's context as its plan says (query-plans.ts: compiled by graphql-jit, or graphql-js `execute`);
 * the per-request steps of the plugins are plain calls in
 * their order: the request record, the budget check (use-request-budget.ts), the request errors' code
 * (use-request-error-codes.ts), masking (error-mask.ts). What yoga's envelop pipeline adds per request
 * beyond that (hook chains with nothing to do for such a request, promise helpers, a context merge, a
 * validation-cache key built from the names of 31 rules) is not paid: about 30 µs of CPU per request.
 *
 * Anything else is yoga's, which answers it as it always does (`undefined` here: the caller replays the
 * request through yoga): parameters outside the plain shape (persisted queries, unexpected keys, wrong
 * types, variables nested too deep), a document yoga refuses (syntax, validation, limits), an operation
 * that cannot be chosen, a subscription. All of that is decided before execution: no request runs twice.
 */
import type { ExecutionResult, GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../context.js';
import type { ErrorMask } from '../plugins/error-mask.js';
import { maskResultErrors } from '../plugins/error-mask.js';
import type { BudgetCheck } from '../plugins/use-request-budget.js';
import { tagRequestErrors } from '../plugins/use-request-error-codes.js';
import { jsonNesting } from '../plugins/use-nesting-limits.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import { PreparedDocuments, type DocumentChecks } from './prepared-documents.js';
import { QueryPlans, type QueryPlanLimits } from './query-plans.js';

/** The parameters the direct path takes: the plain shape of a GraphQL-over-HTTP POST. */
interface PlainParams {
  /** Undefined for a persisted query named by its hash alone. */
  query: string | undefined;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
  /** The sha256Hash of an automatic persisted query (`extensions.persistedQuery`, version 1). */
  persistedHash: string | undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The hash of an automatic persisted query, as the APQ plugin reads it (version 1, a string hash). */
function persistedQueryHash(extension: unknown): string | undefined {
  if (!isPlainObject(extension) || extension.version !== 1 || typeof extension.sha256Hash !== 'string') return undefined;
  return extension.sha256Hash;
}

/**
 * `body` as plain parameters, or undefined when yoga must look at it: what fails yoga's parameter checks (an
 * object; `query` a string; `variables` and `extensions` objects, `operationName` a string, each or null;
 * no other key with a value), and a persisted query sent with its text (the APQ plugin checks its hash and
 * stores it). Other extensions (a client library's name, say) are ignored, as yoga ignores them.
 */
export function plainParams(body: unknown): PlainParams | undefined {
  if (!isPlainObject(body)) return undefined;
  let query: string | undefined;
  let variables: Record<string, unknown> | undefined;
  let operationName: string | undefined;
  let persistedHash: string | undefined;
  for (const key in body) {
    const value = body[key];
    if (value === null || value === undefined) continue;
    if (key === 'query') {
      if (typeof value !== 'string') return undefined;
      query = value;
    } else if (key === 'variables') {
      if (!isPlainObject(value)) return undefined;
      variables = value;
    } else if (key === 'operationName') {
      if (typeof value !== 'string') return undefined;
      operationName = value;
    } else if (key === 'extensions') {
      if (!isPlainObject(value)) return undefined;
      persistedHash = persistedQueryHash(value.persistedQuery);
    } else {
      return undefined;
    }
  }
  if (persistedHash !== undefined ? query !== undefined : query === undefined) return undefined;
  return { query, variables, operationName, persistedHash };
}

/**
 * The errors of an execution that never started (variables that do not coerce, a required one missing) are
 * answered with HTTP 400, as yoga's executor (@graphql-tools/executor) marks them; graphql-js's `execute`,
 * which runs here, does not. They are made for this execution alone, so marking them in place is safe.
 */
function withRequestErrorStatus(result: ExecutionResult): ExecutionResult {
  if ('data' in result || result.errors === undefined) return result;
  for (const error of result.errors) {
    const http = (error.extensions.http ?? {}) as Record<string, unknown>;
    Object.defineProperty(error, 'extensions', { value: { ...error.extensions, http: { ...http, status: 400 } } });
  }
  return result;
}

export interface DirectExecutionOptions {
  schema: GraphQLSchema;
  /** Yoga's parse and validate (every plugin's rules) for a request naming `operationName`, asked once per new query text. */
  checks: (operationName: string | undefined) => DocumentChecks;
  /** The deepest nesting allowed in a document and in `variables` (the nesting-limits plugin's). */
  maxDocumentNesting: number;
  maxVariableNesting: number;
  budget: BudgetCheck;
  mask: ErrorMask;
  /** The text stored for an automatic persisted query's hash (the APQ plugin's store), or null. */
  persistedQuery(hash: string): string | null;
  /** Distinct query texts prepared and kept, and their characters in all. */
  maxDocuments?: number;
  maxDocumentChars?: number;
  /** Bounds of the compiled query plans (query-plans.ts's defaults when not given). */
  planLimits?: QueryPlanLimits;
}

export class DirectExecution {
  private readonly documents: PreparedDocuments;
  readonly plans: QueryPlans;

  constructor(private readonly options: DirectExecutionOptions) {
    const plans = new QueryPlans(options.schema, options.planLimits);
    this.plans = plans;
    this.documents = new PreparedDocuments(options.checks, {
      maxEntries: options.maxDocuments ?? 1000,
      maxChars: options.maxDocumentChars ?? 8 * 1024 * 1024,
      maxDocumentNesting: options.maxDocumentNesting,
      onReleased: (operation) => plans.released(operation),
    });
  }

  /**
   * Executes `body` with a context made by `context()` (after every check passed), noting it on `record`;
   * undefined when yoga is to answer it instead (nothing ran).
   */
  run(body: unknown, context: () => GatewayContext, record: RequestRecord | undefined): Promise<ExecutionResult> | ExecutionResult | undefined {
    const params = plainParams(body);
    if (params === undefined) return undefined;
    const { maxVariableNesting } = this.options;
    if (params.variables !== undefined && jsonNesting(params.variables, maxVariableNesting) > maxVariableNesting) return undefined;
    // A hash the store does not hold is yoga's to refuse (PERSISTED_QUERY_NOT_FOUND, which makes the client send the text).
    const query = params.persistedHash === undefined ? params.query : (this.options.persistedQuery(params.persistedHash) ?? undefined);
    if (query === undefined) return undefined;
    const operation = this.documents.operation(query, params.operationName);
    if (operation === undefined) return undefined;
    if (record !== undefined) {
      record.operationName = params.operationName;
      record.document = operation.document;
    }
    const contextValue = context();
    const { schema } = this.options;
    const refusal = this.options.budget(schema, operation.document, params.operationName, params.variables, contextValue);
    if (refusal !== undefined) return this.finish({ errors: [refusal] }, record);
    const result = this.plans.executorFor(operation)(contextValue, params.variables);
    // A query whose resolvers all answered at once needs no promise.
    return result instanceof Promise ? result.then((done) => this.finish(done, record)) : this.finish(result, record);
  }

  private finish(result: ExecutionResult, record: RequestRecord | undefined): ExecutionResult {
    const answered = maskResultErrors(tagRequestErrors(withRequestErrorStatus(result)), this.options.mask);
    record?.answered(answered);
    return answered;
  }
}
