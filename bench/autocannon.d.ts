/**
 * The part of autocannon's programmatic API the bench uses. autocannon ships no types and
 * `@types/autocannon` is not installed, so this ambient declaration keeps `any` out of the bench.
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Options {
      url: string;
      /** Concurrent connections (each with one request in flight at pipelining 1). */
      connections?: number;
      /** Seconds. */
      duration?: number;
      pipelining?: number;
      method?: 'GET' | 'POST';
      headers?: Record<string, string>;
      body?: string;
      /** Seconds before a request counts as timed out. */
      timeout?: number;
      /** Stop after this many responses (overrides duration). */
      amount?: number;
      /** Requests each connection cycles through, overriding method, headers and body of the options. */
      requests?: RequestSpec[];
    }

    interface RequestSpec {
      method?: 'GET' | 'POST';
      headers?: Record<string, string>;
      body?: string;
      /** Called with every response of this request, its body as text. */
      onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
    }

    interface Histogram {
      average: number;
      mean: number;
      min: number;
      max: number;
      p50: number;
      p99: number;
      total?: number;
    }

    interface Result {
      /** Seconds the run actually lasted. */
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      resets: number;
      latency: Histogram;
      requests: Histogram & { sent: number };
    }

    /**
     * The tracker returned by `autocannon(opts, cb)`. 'response' fires for every response with the
     * client, status code, response bytes and the response time in milliseconds (fractional).
     */
    interface Instance extends EventEmitter {
      on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this;
      on(event: string, listener: (...args: unknown[]) => void): this;
    }
  }

  function autocannon(options: autocannon.Options, callback: (error: Error | null, result: autocannon.Result) => void): autocannon.Instance;

  export = autocannon;
}
