import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as ConfigError).problems;
  }
  return [];
}

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      upstreamUrl: undefined,
      connectionsPath: 'connections',
      upstreamTimeoutMs: 10_000,
      batchMax: 20,
      batchMode: 'json',
      defaultPageSize: 100,
      cursorSecret: undefined,
    });
  });

  it('reads DEFAULT_PAGE_SIZE within 1..1000 and a CURSOR_SECRET of at least 32 characters, never echoing the secret', () => {
    expect(loadConfig({ DEFAULT_PAGE_SIZE: '1000', CURSOR_SECRET: 's'.repeat(32) })).toMatchObject({ defaultPageSize: 1000, cursorSecret: 's'.repeat(32) });
    expect(problems({ DEFAULT_PAGE_SIZE: '0', CURSOR_SECRET: 'short-but-secret-value' })).toEqual([
      'Invalid DEFAULT_PAGE_SIZE="0": expected a whole number from 1 to 1000.',
      'Invalid CURSOR_SECRET=<22 characters>: expected a key of at least 32 characters.',
    ]);
    expect(problems({ DEFAULT_PAGE_SIZE: '1001' })).toHaveLength(1);
  });

  it('reads valid values and trims the service root', () => {
    expect(loadConfig({ PORT: '0', UPSTREAM_URL: 'https://graph.microsoft.com/beta/', CONNECTIONS_PATH: 'external/connections', BATCH_MAX: '5', BATCH_MODE: 'off' })).toMatchObject({
      port: 0,
      upstreamUrl: 'https://graph.microsoft.com/beta',
      connectionsPath: 'external/connections',
      batchMax: 5,
      batchMode: 'off',
    });
  });

  it('names the variable, the value and what is allowed, one line per problem', () => {
    expect(problems({ PORT: 'http', BATCH_MAX: '21', CONNECTIONS_PATH: 'foo', UPSTREAM_URL: 'ftp://x', UPSTREAM_TIMEOUT_MS: '-5' })).toEqual([
      'Invalid PORT="http": expected a whole number from 0 to 65535.',
      'Invalid UPSTREAM_URL="ftp://x": expected an absolute http(s) URL of the OData service root, without query, fragment or credentials.',
      'Invalid CONNECTIONS_PATH="foo": expected `connections` or `external/connections`.',
      'Invalid UPSTREAM_TIMEOUT_MS="-5": expected a whole number from 1 to 600000.',
      'Invalid BATCH_MAX="21": expected a whole number from 1 to 20.',
    ]);
    expect(problems({ UPSTREAM_URL: 'https://user:secret@host/beta' })).toHaveLength(1);
  });

  it('reads EMBEDDED_OPERATION_DELAY_MS (20 s by default: long enough to watch a registration change in GraphiQL)', () => {
    expect(loadConfig({})).toMatchObject({ embeddedOperationDelayMs: 20_000 });
    expect(loadConfig({ EMBEDDED_OPERATION_DELAY_MS: '0' })).toMatchObject({ embeddedOperationDelayMs: 0 });
    expect(problems({ EMBEDDED_OPERATION_DELAY_MS: 'soon' })).toEqual(['Invalid EMBEDDED_OPERATION_DELAY_MS="soon": expected a whole number from 0 to 3600000.']);
  });

  it('reads METRICS (on by default) and METRICS_PATH (default /metrics), refusing paths that are taken or malformed', () => {
    expect(loadConfig({})).toMatchObject({ metrics: 'on', metricsPath: '/metrics' });
    expect(loadConfig({ METRICS: 'off', METRICS_PATH: '/internal/prometheus' })).toMatchObject({ metrics: 'off', metricsPath: '/internal/prometheus' });
    expect(problems({ METRICS: 'yes' })).toEqual(['Invalid METRICS="yes": expected `on` or `off`.']);
    for (const path of ['metrics', '/graphql', '/health', '/ready', '/', '/a?b', '/a b']) expect(problems({ METRICS_PATH: path })).toHaveLength(1);
  });

  it('reads ERROR_SHAPE: auto (the default) leaves the choice to the upstream $metadata', () => {
    expect(loadConfig({}).errorShapeOverride).toBeUndefined();
    expect(loadConfig({ ERROR_SHAPE: 'auto' }).errorShapeOverride).toBeUndefined();
    expect(loadConfig({ ERROR_SHAPE: 'publicError' }).errorShapeOverride).toBe('publicError');
    expect(problems({ ERROR_SHAPE: 'v1' })).toEqual(['Invalid ERROR_SHAPE="v1": expected `auto`, `errorDetail` or `publicError`.']);
  });
});
