import { describe, expect, it } from 'vitest';
import { retryDelay } from '../../src/odata/retry-policy.js';
import { codeForStatus, parseRetryAfter } from '../../src/odata/errors.js';

const settings = { retryMax: 2, retryAfterMaxSeconds: 5, retryBaseMs: 100 };

describe('retryDelay', () => {
  it('honours Retry-After within the cap', () => {
    expect(retryDelay({ status: 429, retryAfter: 2 }, 1, settings, 60_000)).toBe(2000);
    expect(retryDelay({ status: 503, retryAfter: 0 }, 1, settings, 60_000)).toBe(0);
  });

  it('gives up on a Retry-After beyond the cap or the deadline', () => {
    expect(retryDelay({ status: 429, retryAfter: 6 }, 1, settings, 60_000)).toBeUndefined();
    expect(retryDelay({ status: 429, retryAfter: 2 }, 1, settings, 1_000)).toBeUndefined();
  });

  it('backs off exponentially with full jitter', () => {
    expect(retryDelay({ status: 503 }, 1, settings, 60_000, () => 1)).toBe(100);
    expect(retryDelay({ status: 503 }, 2, settings, 60_000, () => 1)).toBe(200);
    expect(retryDelay({ status: 503 }, 2, settings, 60_000, () => 0.5)).toBe(100);
    expect(retryDelay({ code: 'ECONNRESET' }, 1, settings, 60_000, () => 0)).toBe(0);
  });

  it('stops after retryMax and never retries what is not transient', () => {
    expect(retryDelay({ status: 429 }, 3, settings, 60_000)).toBeUndefined();
    for (const status of [200, 400, 404, 409, 412, 500]) expect(retryDelay({ status }, 1, settings, 60_000)).toBeUndefined();
    expect(retryDelay({ code: 'UND_ERR_HEADERS_TIMEOUT' }, 1, settings, 60_000)).toBeUndefined();
  });
});

describe('status codes', () => {
  it('maps statuses as the contract says', () => {
    expect([400, 401, 403, 404, 409, 412, 429, 500, 502].map((s) => codeForStatus(s, undefined))).toEqual([
      'BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PRECONDITION_FAILED', 'THROTTLED', 'UPSTREAM_ERROR', 'UPSTREAM_ERROR',
    ]);
    expect(codeForStatus(503, 3)).toBe('THROTTLED');
    expect(codeForStatus(503, undefined)).toBe('UPSTREAM_ERROR');
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 0)).toBe(10);
  });
});
