/**
 * LeanRequest's signal over real sockets: aborted when the client leaves before its answer is sent, whether
 * the signal was first asked for before or after that; never aborted by an answer sent in full.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LeanRequest } from '../../src/http/lean-request.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** Serves one request with `handle`; the client sends it and, when `leave` is set, destroys its socket at once. */
async function oneRequest(handle: (request: IncomingMessage, response: ServerResponse) => void, leave: boolean): Promise<void> {
  server = createServer(handle);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => {
    const client = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/graphql', headers: { 'content-length': 2, 'x-a': 'b' } }, (response) => {
      response.resume();
      response.on('end', resolve);
    });
    client.on('error', () => resolve());
    client.end('{}', () => {
      if (leave) setTimeout(() => client.destroy(), 20);
    });
  });
}

describe('LeanRequest', () => {
  it('reads headers as a Fetch Headers would', async () => {
    let seen: Array<string | null> = [];
    await oneRequest((request, response) => {
      const lean = new LeanRequest(request, response, 'http://localhost');
      seen = [lean.headers.get('X-A'), lean.headers.get('missing'), lean.method, lean.url];
      response.end('ok');
    }, false);
    expect(seen).toEqual(['b', null, 'POST', 'http://localhost/graphql']);
  });

  it('is aborted when the client leaves after the signal was asked for', async () => {
    const aborted = new Promise<boolean>((resolve) => {
      void oneRequest((request, response) => {
        const signal = new LeanRequest(request, response, 'http://localhost').signal;
        expect(signal.aborted).toBe(false);
        signal.addEventListener('abort', () => resolve(true));
      }, true);
    });
    expect(await aborted).toBe(true);
  });

  it('is aborted when the client left before the signal was first asked for', async () => {
    const aborted = new Promise<boolean>((resolve) => {
      void oneRequest((request, response) => {
        response.once('close', () => resolve(new LeanRequest(request, response, 'http://localhost').signal.aborted));
      }, true);
    });
    expect(await aborted).toBe(true);
  });

  it('is not aborted by an answer sent in full', async () => {
    let signal: AbortSignal | undefined;
    let closed: Promise<void> | undefined;
    await oneRequest((request, response) => {
      signal = new LeanRequest(request, response, 'http://localhost').signal;
      closed = new Promise((resolve) => response.once('close', () => resolve()));
      response.end('ok');
    }, false);
    await closed;
    expect(signal!.aborted).toBe(false);
  });
});
