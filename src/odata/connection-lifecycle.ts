/**
 * The writes of a connection's life as Microsoft Graph has them today (DESIGN.md 2.1): create a connection,
 * register its schema, delete it. Graph runs the last two for minutes and answers `202 Accepted` with the
 * `Location` of a connectionOperation; this file sends each write once (never retried: a lost answer is
 * `outcomeUnknown`), and turns an accepted answer into the key of the operation it names, or refuses a
 * Location that names anything else (location.ts). Knows OData and HTTP, nothing of GraphQL.
 */
import type { ConnectionsPath } from '../config.js';
import type { HttpMethod, UpstreamClient, UpstreamResponse } from './client.js';
import { parseConnection, type ConnectionModel } from './connection-entity.js';
import { UpstreamError } from './errors.js';
import { operationOfLocation } from './location.js';
import { callRequest, laneOf, type CallContext } from './operations.js';
import { schemaBody, type SchemaWrite } from './schema-entity.js';
import { connectionPath, schemaPath } from './url.js';

export interface ConnectionWrite {
  connectionId: string;
  name: string;
  description?: string | null;
}

/** What an accepted write started: the operation its Location names, or none (done at once: 200/201/204). */
export interface AcceptedWrite {
  connectionId: string;
  /** The operation to watch, when the upstream answered 202 with a Location. */
  operationId: string | undefined;
}

export interface ConnectionLifecycleOptions {
  connectionsPath: ConnectionsPath;
}

export class ConnectionLifecycleApi {
  constructor(
    private readonly client: UpstreamClient,
    private readonly options: ConnectionLifecycleOptions,
  ) {}

  private send(call: CallContext, method: HttpMethod, target: string, connectionId: string, body?: unknown, headers?: Record<string, string>): Promise<UpstreamResponse> {
    return this.client.send(
      callRequest(call, {
        method,
        target,
        lane: laneOf(connectionId),
        headers,
        body,
        // A DELETE with If-Match cannot apply twice; nothing else here is ever sent again.
        idempotent: method === 'DELETE' && headers !== undefined,
        write: true,
      }),
    );
  }

  /** `POST {cs}`: sent once. The answer must carry the connection asked for. */
  async create(write: ConnectionWrite, call: CallContext): Promise<ConnectionModel> {
    const body: Record<string, unknown> = { id: write.connectionId, name: write.name };
    if (write.description != null) body.description = write.description;
    const response = await this.send(call, 'POST', this.options.connectionsPath, write.connectionId, body);
    if (response.status >= 400) throw UpstreamError.fromResponse(response.status, response.body, response.headers);
    if (response.status < 200 || response.status >= 300 || response.body === undefined) throw UpstreamError.malformed(response.status, response.headers['request-id']);
    return parseConnection(response.body, write.connectionId);
  }

  /** `PATCH {cs}/{cid}/schema`: sent once, never retried (a registration runs for minutes upstream). */
  async registerSchema(connectionId: string, schema: SchemaWrite, call: CallContext): Promise<AcceptedWrite> {
    const target = schemaPath(this.options.connectionsPath, connectionId);
    const response = await this.send(call, 'PATCH', target, connectionId, schemaBody(schema));
    return this.accepted(response, target, connectionId);
  }

  /** `DELETE {cs}/{cid}`, with If-Match when given (then, and only then, retried on throttling). */
  async remove(connectionId: string, ifMatch: string | undefined, call: CallContext): Promise<AcceptedWrite> {
    const target = connectionPath(this.options.connectionsPath, connectionId);
    const response = await this.send(call, 'DELETE', target, connectionId, undefined, ifMatch === undefined ? undefined : { 'if-match': ifMatch });
    return this.accepted(response, target, connectionId);
  }

  /**
   * An answer to a write that may run on upstream: 202 with a Location names its operation; 202 without one,
   * 200, 201 and 204 are done. A Location that names anything but an operation of this connection under the
   * service root is UPSTREAM_ERROR marked `accepted`, and nothing is contacted there.
   */
  private accepted(response: UpstreamResponse, target: string, connectionId: string): AcceptedWrite {
    const { status, headers } = response;
    if (status >= 400) throw UpstreamError.fromResponse(status, response.body, headers);
    if (status < 200 || status >= 300) throw UpstreamError.malformed(status, headers['request-id']);
    const location = headers['location'];
    if (status !== 202 || location === undefined) return { connectionId, operationId: undefined };
    const operationId = operationOfLocation(location, `${this.client.serviceRoot}/${target}`, this.client.serviceRoot, this.options.connectionsPath, connectionId);
    if (operationId === undefined) throw UpstreamError.refusedLocation(status, headers['request-id']);
    return { connectionId, operationId };
  }
}
