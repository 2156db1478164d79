/**
 * The load clients' GraphQL-over-HTTP client: one undici Agent (its own pool, closed at the end so the
 * process can exit), a client-side timeout well past the gateway's own deadline (an answer that never
 * comes is a hang, which the gateway must never produce), and a body parsed to `unknown` and checked, so
 * nothing unchecked crosses into the classifiers.
 */
import { Agent } from 'undici';

export interface GraphQLErrorView {
  message: string;
  path: ReadonlyArray<string | number>;
  extensions: Readonly<Record<string, unknown>>;
}

export type GqlResult =
  /** A GraphQL response (any HTTP status): `data` is the raw `data` member (object, null or absent). */
  | { kind: 'response'; httpStatus: number; data: Readonly<Record<string, unknown>> | null; errors: GraphQLErrorView[]; raw: string }
  /** The gateway answered something that is not a GraphQL response. */
  | { kind: 'bad-body'; httpStatus: number; raw: string }
  /** No answer within the client timeout. */
  | { kind: 'hang' }
  /** The connection to the gateway failed. */
  | { kind: 'transport'; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toErrorView(value: unknown): GraphQLErrorView | undefined {
  if (!isRecord(value) || typeof value['message'] !== 'string') return undefined;
  const path = Array.isArray(value['path']) ? value['path'].filter((p): p is string | number => typeof p === 'string' || typeof p === 'number') : [];
  const extensions = isRecord(value['extensions']) ? value['extensions'] : {};
  return { message: value['message'], path, extensions };
}

export class GqlClient {
  private readonly agent: Agent;
  private readonly origin: string;

  constructor(gatewayUrl: string, connections: number, private readonly timeoutMs: number) {
    this.origin = new URL(gatewayUrl).origin;
    this.agent = new Agent({ connections, keepAliveTimeout: 10_000 });
  }

  async request(query: string, variables: Record<string, unknown>, token: string): Promise<GqlResult> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let httpStatus: number;
    let raw: string;
    try {
      const response = await this.agent.request({
        origin: this.origin,
        path: '/graphql',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ query, variables }),
        signal,
      });
      httpStatus = response.statusCode;
      raw = await response.body.text();
    } catch (error) {
      if (signal.aborted) return { kind: 'hang' };
      return { kind: 'transport', message: error instanceof Error ? error.message : String(error) };
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return { kind: 'bad-body', httpStatus, raw: raw.slice(0, 300) };
    }
    if (!isRecord(body) || !('data' in body || 'errors' in body)) return { kind: 'bad-body', httpStatus, raw: raw.slice(0, 300) };
    const data = body['data'];
    const errorsValue = body['errors'];
    const errors = Array.isArray(errorsValue) ? errorsValue.map(toErrorView) : [];
    if ((data !== undefined && data !== null && !isRecord(data)) || errors.some((e) => e === undefined) || (errorsValue !== undefined && !Array.isArray(errorsValue))) {
      return { kind: 'bad-body', httpStatus, raw: raw.slice(0, 300) };
    }
    return { kind: 'response', httpStatus, data: isRecord(data) ? data : null, errors: errors as GraphQLErrorView[], raw };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
