/**
 * An upstream for the `$metadata` tests: the embedded OData service (seeded), except that
 * `{root}/$metadata` answers as the test says (a fixture, an HTTP status, or never).
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createODataService } from '@odata-gateway/odata-service';

/** `chunks`: sent without Content-Length, one write each; `declaredLength`: that Content-Length, then nothing. */
export type MetadataAnswer = { body: string } | { chunks: string[] } | { declaredLength: number } | { status: number } | 'hang';

export interface MetadataUpstream {
  /** The service root, `http://127.0.0.1:port/beta`. */
  serviceRoot: string;
  /** How many `$metadata` requests arrived, and the Authorization header of the last one. */
  metadataRequests(): { count: number; authorization: string | undefined };
  close(): Promise<void>;
}

export async function startMetadataUpstream(answer: MetadataAnswer): Promise<MetadataUpstream> {
  const service = createODataService({ seed: true });
  let count = 0;
  let authorization: string | undefined;
  const server: Server = createServer((req, res) => {
    if (!(req.url ?? '').split('?')[0]!.endsWith('/$metadata')) return service.handler(req, res);
    count++;
    authorization = req.headers.authorization;
    if (answer === 'hang') return; // never answers; closed by close()
    if ('status' in answer) {
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end('{"error":{"code":"x","message":"no"}}');
      return;
    }
    if ('declaredLength' in answer) {
      res.writeHead(200, { 'content-type': 'application/xml', 'content-length': String(answer.declaredLength) });
      res.flushHeaders();
      return;
    }
    if ('chunks' in answer) {
      res.writeHead(200, { 'content-type': 'application/xml' });
      for (const chunk of answer.chunks) res.write(chunk);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/xml' }).end(answer.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    serviceRoot: `http://127.0.0.1:${port}/beta`,
    metadataRequests: () => ({ count, authorization }),
    async close() {
      server.closeAllConnections();
      server.close();
      await service.close();
    },
  };
}
