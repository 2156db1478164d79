/**
 * What one GraphQL request was, noted while it is served, for the three that report it when it ends: the
 * metrics, the request log line and the operation span. One record per request, whichever way it came (the
 * direct path, yoga, a hand-back from one to the other, or a graphql-ws operation), and whether it ran or
 * was refused before execution (a parse or validation error, a refused parameter, an HTTP-level refusal).
 *
 * The executed operation is looked up once here (graphql-js' getOperationAST), not once per reporter.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLError, type OperationDefinitionNode } from 'graphql';
import type { Span } from '@opentelemetry/api';
import type { GatewayContext } from '../context.js';

export type Transport = 'http' | 'websocket';

export class RequestRecord {
  readonly started = performance.now();
  /** The request's `operationName` parameter, as the caller sent it. */
  operationName: unknown = undefined;
  /** The answer (the last one noted: a request handed back to yoga is noted again); undefined when none was made. */
  result: ExecutionResult | undefined = undefined;
  /** A subscription's stream was answered. */
  streamed = false;
  /** The GraphQL context, once made (after validation): the request's upstream spending and request id. */
  context: GatewayContext | undefined = undefined;
  /** The HTTP status answered; undefined over WebSocket, or when the client left before any answer. */
  status: number | undefined = undefined;
  /** The operation span, when tracing is on. */
  span: Span | undefined = undefined;
  private parsed: DocumentNode | undefined = undefined;
  private executed: OperationDefinitionNode | null | undefined = undefined;

  constructor(
    readonly transport: Transport,
    /** The caller's headers (the upgrade request's over WebSocket), read only for what a report shows. */
    readonly headers: IncomingHttpHeaders,
  ) {}

  /** The parsed document, once parsed. */
  get document(): DocumentNode | undefined {
    return this.parsed;
  }

  set document(document: DocumentNode | undefined) {
    this.parsed = document;
    this.executed = undefined;
  }

  /** The operation the document and `operationName` select; null when none (or not parsed). */
  operation(): OperationDefinitionNode | null {
    if (this.executed !== undefined) return this.executed;
    const asked = this.operationName;
    return (this.executed = this.parsed === undefined ? null : (getOperationAST(this.parsed, typeof asked === 'string' ? asked : undefined) ?? null));
  }

  /**
   * The operation's name: the executed operation's, else the `operationName` the caller asked for (a
   * request refused before its document was parsed, or naming an operation the document does not have).
   * Caller text: reporters bound it.
   */
  name(): string | undefined {
    const name = this.operation()?.name?.value;
    if (name !== undefined) return name;
    const asked = this.operationName;
    return typeof asked === 'string' && asked !== '' ? asked : undefined;
  }

  /**
   * The code of each error answered; a request answered 4xx with no GraphQL result at all (refused at the
   * HTTP level) counts as one BAD_REQUEST. Empty for a success.
   */
  errorCodes(): string[] {
    const errors = this.result?.errors;
    if (errors !== undefined) return errors.map(errorCode);
    return this.result === undefined && !this.streamed && this.status !== undefined && this.status >= 400 ? ['BAD_REQUEST'] : [];
  }

  /** Notes what was answered: a subscription's stream (an async iterable), or a result. */
  answered(answer: unknown): void {
    if (answer !== null && typeof answer === 'object' && Symbol.asyncIterator in answer) this.streamed = true;
    else this.result = answer as ExecutionResult;
  }

  /** Notes one result of a stream: one with errors (a refused watch, or the typed error that ends a subscription) is what it answered. */
  answeredInStream(result: ExecutionResult): void {
    if (result.errors !== undefined) this.result = result;
  }

  /** Whether the request failed: errors answered, or no answer at all (refused, or the client left). */
  failed(): boolean {
    if (this.result !== undefined) return this.result.errors !== undefined && this.result.errors.length > 0;
    return !this.streamed;
  }
}

/**
 * One error's code: its `extensions.code`, else UNKNOWN (graphql-js' own field errors, such as a null for a
 * non-null field, have none; yoga's HTTP refusals have BAD_REQUEST, and masked errors INTERNAL_SERVER_ERROR).
 */
export function errorCode(error: GraphQLError): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/** One of the reports of a request (metrics, log line, span). Each hook must not throw. */
export interface RequestReporter {
  /** The request arrived (HTTP: after admission; WebSocket: its subscribe message). */
  started?(record: RequestRecord): void;
  /** Its GraphQL context was made (tracing puts its span's traceparent into the upstream headers). */
  contextCreated?(record: RequestRecord, context: GatewayContext): void;
  /** It is over: its response closed (sent, or its client gone), or its WebSocket operation ended. Once. */
  ended(record: RequestRecord): void;
}
