/**
 * The log's output: stdout, written in batches, off the event loop. A write per line (pino's default) cost
 * about 20 µs of CPU per GraphQL request under load (its syscall), some 10% of a request.
 *
 * Lines are gathered here in an array and handed to sonic-boom (pino's asynchronous stdout writer) joined,
 * at least {@link BATCH_CHARS} characters at a time or whatever is waiting every {@link BATCH_MS} ms.
 * sonic-boom's own batching (`minLength`) appends each line to one growing string and measures that
 * string's bytes on every line: about 6 KB of garbage and a flattening per line at a 12 KiB batch, a tenth
 * of all a request allocated. Joining an array costs each line its own length once.
 *
 * What is still waiting when the process exits, a crash included, is written synchronously then (pino's exit
 * hook flushes sonic-boom; the one here hands it the lines gathered first); a SIGKILL can lose the last
 * quarter second.
 *
 * A write that fails (stdout redirected to a file on a full disk: ENOSPC; EIO) stops the log: from then on
 * lines are dropped, and one note says so on stderr. sonic-boom reports the failure as an 'error' event, which
 * pino's own listener passes on unless it is EPIPE; with no listener of ours it ended the process, and worse,
 * hung it: the exit hooks flush synchronously, and sonic-boom's flushSync retries every error but EAGAIN
 * forever, so the process neither served nor ended (SIGTERM included). The gateway's work does not depend on
 * its log, so it goes on without one.
 */
import { writeSync } from 'node:fs';
import { pino, type DestinationStream } from 'pino';

/** Characters of lines gathered before a write (under sonic-boom's 16 KiB largest write), and the longest a line waits. */
const BATCH_CHARS = 12 * 1024;
const BATCH_MS = 250;

type SonicBoom = ReturnType<typeof pino.destination>;

/** The batches of every process log made, written out when the process exits (one exit listener in all). */
const open = new Set<BatchedLines>();
let exitHooked = false;

function writeAllOnExit(): void {
  for (const lines of open) lines.flushSync();
}

export class BatchedLines implements DestinationStream {
  private lines: string[] = [];
  private chars = 0;
  private readonly out: SonicBoom = pino.destination({ dest: 1, sync: false });
  /** Set by the first failed write: lines are dropped from then on. */
  private failed = false;

  constructor() {
    setInterval(() => this.handOver(), BATCH_MS).unref();
    open.add(this);
    if (!exitHooked) {
      exitHooked = true;
      // After pino's own exit hook (registered as sonic-boom was made), which finds nothing of ours yet.
      process.on('exit', writeAllOnExit);
    }
    this.out.on('error', (error: NodeJS.ErrnoException) => this.fail(error));
  }

  write(line: string): void {
    if (this.failed) return;
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= BATCH_CHARS) this.handOver();
  }

  /** Writes everything gathered so far; `done` once it is written (at once when the log has failed). */
  flush(done?: (error?: Error) => void): void {
    if (this.failed) {
      done?.();
      return;
    }
    this.handOver();
    this.out.flush(done);
  }

  /** Writes everything gathered so far before returning (at exit). */
  flushSync(): void {
    if (this.failed) return;
    this.handOver();
    this.out.flushSync();
  }

  /**
   * The output failed: drop what waits and everything after it, and destroy sonic-boom, so that no exit hook
   * (pino's skips a destroyed stream, ours skips a failed log) calls its flushSync, which would retry forever.
   * Called twice for one error (pino's listener re-emits it to this one); the note is written once.
   */
  private fail(error: NodeJS.ErrnoException): void {
    if (this.failed) return;
    this.failed = true;
    this.lines = [];
    this.chars = 0;
    open.delete(this);
    this.out.destroy();
    try {
      writeSync(2, `log output failed (${error.code ?? error.message}): the gateway goes on serving, its log lines are dropped from now on\n`);
    } catch {
      // stderr is gone too: nowhere left to say it.
    }
  }

  /** The lines gathered go to sonic-boom, which writes them at once unless a write is under way. */
  private handOver(): void {
    const lines = this.lines;
    if (lines.length === 0) return;
    this.lines = [];
    this.chars = 0;
    this.out.write(lines.length === 1 ? lines[0]! : lines.join(''));
  }
}
