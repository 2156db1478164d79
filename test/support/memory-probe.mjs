/**
 * Preload for a process under test (`node --expose-gc --import ./test/support/memory-probe.mjs …`, spawned
 * with an IPC channel): answers the message 'memory' with `process.memoryUsage()` taken right after full
 * garbage collections, so what it reports is what the process retains, not garbage waiting for a collection
 * (test/gateway/graphiql-memory.test.ts).
 *
 * A plain .mjs file: the process may be the compiled gateway, with no TypeScript loader.
 */
if (typeof globalThis.gc !== 'function' || typeof process.send !== 'function') {
  throw new Error('memory-probe.mjs: run with --expose-gc and an IPC channel');
}
const collect = globalThis.gc;
const send = process.send.bind(process);

process.on('message', (message) => {
  if (message !== 'memory') return;
  // Twice: the first collection may leave objects only the second can free (weak references, finalizers).
  collect();
  collect();
  send(process.memoryUsage());
});
// The channel must not keep the process alive: it ends on SIGTERM as it always does.
process.channel?.unref();
