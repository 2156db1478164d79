/**
 * NodeCaller's departure over real sockets: it goes when the client leaves before its answer is sent, whether
 * the departure was first asked for before or after that; never by an answer sent in full. And the
 * departure itself: each listener hears it once, a listener that left hears nothing.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeCaller } from '../../src/http/caller.js';
import { CallerDeparture, departureOf } from '../../src/odata/departure.js';

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

describe('NodeCaller', () => {
  it('reads headers as a Fetch Headers would', async () => {
    let seen: Array<string | null> = [];
    await oneRequest((request, response) => {
      const caller = new NodeCaller(response, request);
      seen = [caller.headers.get('X-A'), caller.headers.get('missing')];
      response.end('ok');
    }, false);
    expect(seen).toEqual(['b', null]);
  });

  it('departs when the client leaves after the departure was asked for', async () => {
    const departed = new Promise<boolean>((resolve) => {
      void oneRequest((request, response) => {
        const departure = new NodeCaller(response, request).departure();
        expect(departure.gone).toBe(false);
        departure.listen({ handleEvent: () => resolve(true) });
      }, true);
    });
    expect(await departed).toBe(true);
  });

  it('has departed when the client left before the departure was first asked for', async () => {
    const gone = new Promise<boolean>((resolve) => {
      void oneRequest((request, response) => {
        response.once('close', () => resolve(new NodeCaller(response, request).departure().gone));
      }, true);
    });
    expect(await gone).toBe(true);
  });

  it('does not depart after an answer sent in full', async () => {
    let departure: { gone: boolean } | undefined;
    let closed: Promise<void> | undefined;
    await oneRequest((request, response) => {
      departure = new NodeCaller(response, request).departure();
      closed = new Promise((resolve) => response.once('close', () => resolve()));
      response.end('ok');
    }, false);
    await closed;
    expect(departure!.gone).toBe(false);
  });

  it('makes one departure per request, however often asked', async () => {
    let same = false;
    await oneRequest((request, response) => {
      const caller = new NodeCaller(response, request);
      same = caller.departure() === caller.departure();
      response.end('ok');
    }, false);
    expect(same).toBe(true);
  });
});

describe('CallerDeparture', () => {
  const counter = () => {
    const listener = { heard: 0, handleEvent() { listener.heard++; } };
    return listener;
  };

  it('tells each listener once, and none that stopped listening', () => {
    const departure = new CallerDeparture();
    const [a, b, c] = [counter(), counter(), counter()];
    departure.listen(a);
    departure.listen(b);
    departure.listen(c);
    departure.unlisten(b);
    departure.depart();
    departure.depart();
    expect([a.heard, b.heard, c.heard]).toEqual([1, 0, 1]);
    expect(departure.gone).toBe(true);
  });

  it('takes no listener once gone (its waits check `gone` first)', () => {
    const departure = new CallerDeparture();
    departure.depart();
    const late = counter();
    departure.listen(late);
    departure.depart();
    expect(late.heard).toBe(0);
  });

  it('holds many listeners at once without a warning (a request of 40 lists waits on 40 reads)', () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const departure = new CallerDeparture();
    const listeners = Array.from({ length: 40 }, counter);
    for (const listener of listeners) departure.listen(listener);
    for (const listener of listeners.slice(0, 20)) departure.unlisten(listener);
    departure.depart();
    process.off('warning', onWarning);
    expect(listeners.map((l) => l.heard)).toEqual([...Array(20).fill(0), ...Array(20).fill(1)]);
    expect(warnings).toEqual([]);
  });

  it('follows an AbortSignal, aborted already or later', () => {
    const early = new AbortController();
    early.abort();
    expect(departureOf(early.signal).gone).toBe(true);
    const later = new AbortController();
    const departure = departureOf(later.signal);
    const listener = counter();
    departure.listen(listener);
    expect(departure.gone).toBe(false);
    later.abort();
    expect([departure.gone, listener.heard]).toEqual([true, 1]);
  });
});
