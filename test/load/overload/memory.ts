/**
 * The gateway process's memory, read from /proc/<pid>/status (Linux): VmRSS sampled during the run, so a
 * growth that the end figure alone would hide (a backlog building up, then dropped) shows, and VmHWM, the
 * kernel's own peak of the resident set, which no sampling interval can miss.
 */
import { readFileSync } from 'node:fs';

const SAMPLE_EVERY_MS = 250;

export interface MemoryReport {
  /** VmRSS when sampling started (the gateway started, idle), MiB. */
  startMb: number;
  /** Highest VmRSS sampled, MiB. */
  peakSampledMb: number;
  /** Seconds after the start of sampling at which the highest sample was taken. */
  peakAtSeconds: number;
  /** VmRSS at the marks set with `mark()`, MiB. */
  marks: Array<{ label: string; mb: number }>;
  /** VmHWM at the end: the peak resident set over the process's life, MiB. */
  hwmMb: number;
  samples: number;
}

/** A field of /proc/<pid>/status in kB, or undefined when the process is gone or the field is missing. */
export function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

const mb = (kb: number): number => Math.round(kb / 1024);

export class MemorySampler {
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = performance.now();
  private readonly startKb: number;
  private peakKb = 0;
  private peakAt = 0;
  private count = 0;
  private readonly marks: Array<{ label: string; mb: number }> = [];

  constructor(private readonly pid: number) {
    const start = procStatusKb(pid, 'VmRSS');
    if (start === undefined) throw new Error(`cannot read VmRSS from /proc/${pid}/status (Linux only)`);
    this.startKb = start;
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
    this.timer.unref(); // a run that fails half-way must still let the process exit
  }

  private sample(): number | undefined {
    const kb = procStatusKb(this.pid, 'VmRSS');
    if (kb === undefined) return undefined;
    this.count += 1;
    if (kb > this.peakKb) {
      this.peakKb = kb;
      this.peakAt = performance.now() - this.startedAt;
    }
    return kb;
  }

  /** Samples now and remembers the value under `label` (e.g. "end of load"). */
  mark(label: string): void {
    const kb = this.sample();
    if (kb !== undefined) this.marks.push({ label, mb: mb(kb) });
  }

  /** Stops sampling and reads VmHWM: call it while the process is still alive. */
  stop(): MemoryReport {
    clearInterval(this.timer);
    this.sample();
    const hwm = procStatusKb(this.pid, 'VmHWM') ?? this.peakKb;
    return {
      startMb: mb(this.startKb),
      peakSampledMb: mb(this.peakKb),
      peakAtSeconds: Math.round(this.peakAt / 100) / 10,
      marks: [...this.marks],
      hwmMb: mb(hwm),
      samples: this.count,
    };
  }
}
