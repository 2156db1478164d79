/**
 * Watches the process the whole test runs in (clients, gateway and service share one event loop): peak
 * memory, so a leak under load shows, and event-loop delay, which explains timeouts that no fault caused.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const SAMPLE_EVERY_MS = 500;

export interface ProcessReport {
  peakRssMb: number;
  peakHeapMb: number;
  finalHeapMb: number;
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export class ProcessMonitor {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly timer: NodeJS.Timeout;
  private peakRss = 0;
  private peakHeap = 0;

  constructor() {
    this.histogram.enable();
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
  }

  private sample(): void {
    const usage = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, usage.rss);
    this.peakHeap = Math.max(this.peakHeap, usage.heapUsed);
  }

  stop(): ProcessReport {
    clearInterval(this.timer);
    this.sample();
    this.histogram.disable();
    const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);
    const ms = (ns: number): number => Math.round(ns / 1e5) / 10;
    return {
      peakRssMb: mb(this.peakRss),
      peakHeapMb: mb(this.peakHeap),
      finalHeapMb: mb(process.memoryUsage().heapUsed),
      loopDelayP50Ms: ms(this.histogram.percentile(50)),
      loopDelayP99Ms: ms(this.histogram.percentile(99)),
      loopDelayMaxMs: ms(this.histogram.max),
    };
  }
}
