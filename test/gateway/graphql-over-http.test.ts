import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAudits } from 'graphql-http';
import { startStack, type Stack } from '../support/stack.js';

describe('GraphQL over HTTP conformance (graphql-http serverAudits, over loopback)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  const audits = serverAudits({ url: () => `${stack.url}/graphql`, fetchFn: fetch });

  it('has the full list of audits', () => {
    expect(audits.length).toBeGreaterThanOrEqual(50);
  });

  for (const audit of audits) {
    it(audit.name, async () => {
      const result = await audit.fn();
      if (result.status !== 'ok') throw new Error(`${result.status}: ${result.reason}`);
      expect(result.status).toBe('ok');
    });
  }
});
