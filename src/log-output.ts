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
 * Lines wait in memory only while stdout takes them more slowly than they come, and at most
 * {@link WAITING_BYTES_MAX} of them: past that they are dropped, and stderr says so (once when it starts, then at
 * most once a minute, with the count). A log reader that stalls (a pipe whose consumer is busy, a logging agent
 * that is down) must not grow the process without bound: measured, a stdout nobody read for 20 s of load held
 * some 20 MiB of lines and raised the process's peak by a third.
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
/** Bytes of lines that may wait for stdout (about 4,000 request lines); more are dropped. */
export const WAITING_BYTES_MAX = 1024 * 1024;
/** How often stderr may tell how many lines were dropped. */
const DROP_NOTE_EVERY_MS = 60_000;

type SonicBoom = ReturnType<typeof pino.destination>;

/** The batches of every process log made, written out when the process exits (one exit listener in all). */
const open = new Set<BatchedLines>();
let exitHooked = false;

/** One line on stderr, written at once: what the log itself can no longer say. */
function noteOnStderr(line: string): void {
  try {
    writeSync(2, `${line}\n`);
  } catch {
    // stderr is gone too: nowhere left to say it.
  }
}

function writeAllOnExit(): void {
  for (const lines of open) lines.flushSync();
}

export class BatchedLines implements DestinationStream {
  private lines: string[] = [];
  private chars = 0;
  private readonly out: SonicBoom = pino.destination({ dest: 1, sync: false, maxLength: WAITING_BYTES_MAX });
  /** Set by the first failed write: lines are dropped from then on. */
  private failed = false;
  /** Lines dropped because stdout was behind, since stderr last said so; and when it did. */
  private dropped = 0;
  private droppedNotedAt: number | undefined;

  constructor() {
    setInterval(() => this.handOver(), BATCH_MS).unref();
    open.add(this);
    if (!exitHooked) {
      exitHooked = true;
      // After pino's own exit hook (registered as sonic-boom was made), which finds nothing of ours yet.
      process.on('exit', writeAllOnExit);
    }
    this.out.on('error', (error: NodeJS.ErrnoException) => this.fail(error));
    this.out.on('drop', (batch: string) => this.drop(batch));
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
    this.noteDrops(true);
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
    noteOnStderr(`log output failed (${error.code ?? error.message}): the gateway goes on serving, its log lines are dropped from now on`);
  }

  /** sonic-boom dropped a batch: stdout is more than WAITING_BYTES_MAX behind. */
  private drop(batch: string): void {
    let lines = 0;
    for (let at = batch.indexOf('\n'); at >= 0; at = batch.indexOf('\n', at + 1)) lines++;
    this.dropped += lines;
    this.noteDrops();
  }

  /** Says on stderr how many lines were dropped: at the first drop, then at most once a minute, and at exit. */
  private noteDrops(atExit = false): void {
    if (this.dropped === 0) return;
    const now = Date.now();
    if (!atExit && this.droppedNotedAt !== undefined && now - this.droppedNotedAt < DROP_NOTE_EVERY_MS) return;
    const first = this.droppedNotedAt === undefined;
    this.droppedNotedAt = now;
    const count = this.dropped;
    this.dropped = 0;
    noteOnStderr(
      first
        ? `log output is behind (more than ${WAITING_BYTES_MAX} bytes of lines wait for stdout): ${count} log lines dropped; the gateway goes on serving`
        : `log output was behind: ${count} more log lines dropped`,
    );
  }

  /** The lines gathered go to sonic-boom, which writes them at once unless a write is under way. */
  private handOver(): void {
    this.noteDrops();
    const lines = this.lines;
    if (lines.length === 0) return;
    this.lines = [];
    this.chars = 0;
    this.out.write(lines.length === 1 ? lines[0]! : lines.join(''));
  }
}
