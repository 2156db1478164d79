/**
 * src/odata/undici-pool.ts loads undici's Pool by its module path instead of through undici's index. These
 * checks fail if an undici release moves or changes that module: the class must be the one undici exports,
 * and `request` the method undici's index gives every dispatcher. (The index is loaded here to compare; the
 * gateway's process leaves it unloaded: test/gateway/lazy-modules.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('undici-pool', () => {
  it('is the Pool undici exports, with undici\'s request, in a process that never loads undici\'s index', () => {
    // A separate process: this one may have loaded the index (which gives every dispatcher `request`) already.
    const script = `
      const { Pool } = await import('./src/odata/undici-pool.ts');
      const before = Object.keys(require.cache).some((file) => file.endsWith('/node_modules/undici/index.js'));
      const pool = new Pool('http://127.0.0.1:9');
      const hasRequest = typeof pool.request === 'function';
      await pool.close();
      const undici = require('undici');
      console.log(JSON.stringify({ before, hasRequest, samePool: Pool === undici.Pool, sameRequest: pool.request === undici.Dispatcher.prototype.request }));
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import { createRequire } from 'node:module'; const require = createRequire(process.cwd() + '/'); ${script}`], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim())).toEqual({ before: false, hasRequest: true, samePool: true, sameRequest: true });
  });
});
