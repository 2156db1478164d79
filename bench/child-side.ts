/**
 * The child half of the IPC protocol (protocol.ts): announce readiness, answer commands, and exit with the
 * parent. Kept tiny so each child entry point is only about what it serves.
 */
import { type CommandResults, type ChildMessage, isCommandMessage } from './protocol.js';

type Answer<T> = T | Promise<T>;

/** What a child serves; `shutdown` only closes its servers (the reply is `null`, the exit follows). */
export interface CommandHandlers {
  stats?: () => Answer<CommandResults['stats']>;
  memory?: () => Answer<CommandResults['memory']>;
  /** Every child answers `cpu` with its own `process.cpuUsage()` unless it says otherwise. */
  cpu?: () => Answer<CommandResults['cpu']>;
  shutdown?: () => Answer<void>;
}

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      resolve();
      return;
    }
    process.send(message, undefined, undefined, () => resolve());
  });
}

/**
 * Answers commands from the parent. `shutdown` runs its handler (closing servers), replies, then exits
 * with code 0: a normal exit is what makes `--cpu-prof` write its profile.
 */
export function serveCommands(handlers: CommandHandlers): void {
  if (!process.send) throw new Error('This script is a bench child process: start it with child_process.fork (IPC channel).');
  // An orphaned child would hold its port and keep a load generator's target alive: leave with the parent.
  process.on('disconnect', () => process.exit(0));
  const served: CommandHandlers = { cpu: () => process.cpuUsage(), ...handlers };
  process.on('message', (message: unknown) => {
    if (!isCommandMessage(message)) return;
    const handler = served[message.name];
    void (async () => {
      try {
        if (!handler) throw new Error(`command ${message.name} is not served by this child`);
        const result = await handler();
        await send({ type: 'reply', id: message.id, ok: true, result: result ?? null });
      } catch (error) {
        await send({ type: 'reply', id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) });
      }
      if (message.name === 'shutdown') process.exit(0);
    })();
  });
}

/**
 * The `memory` answer of a server child: RSS first, as the load left it; then a full GC (the bench starts
 * the child with --expose-gc) so the heap figure is live data rather than garbage not yet collected.
 */
export function processMemory(): CommandResults['memory'] {
  const { rss } = process.memoryUsage();
  const maxRss = process.resourceUsage().maxRSS * 1024;
  globalThis.gc?.();
  return { rss, maxRss, liveHeap: process.memoryUsage().heapUsed };
}

export function announceReady(url: string, twinUrl?: string): Promise<void> {
  return send({ type: 'ready', url, ...(twinUrl !== undefined ? { twinUrl } : {}) });
}
