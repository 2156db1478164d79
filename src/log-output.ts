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
 */
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

  constructor() {
    setInterval(() => this.handOver(), BATCH_MS).unref();
    open.add(this);
    if (!exitHooked) {
      exitHooked = true;
      // After pino's own exit hook (registered as sonic-boom was made), which finds nothing of ours yet.
      process.on('exit', writeAllOnExit);
    }
  }

  write(line: string): void {
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= BATCH_CHARS) this.handOver();
  }

  /** Writes everything gathered so far; `done` once it is written. */
  flush(done?: (error?: Error) => void): void {
    this.handOver();
    this.out.flush(done);
  }

  /** Writes everything gathered so far before returning (at exit). */
  flushSync(): void {
    this.handOver();
    this.out.flushSync();
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
