/** The report's header: what machine and runtime the numbers come from. */
import os from 'node:os';
import { mebibytes } from './format.js';

export function machineHeader(now: Date = new Date()): string {
  const cpus = os.cpus();
  return [
    `- CPU: ${cpus[0]?.model.trim() ?? 'unknown'}`,
    `- cores: ${cpus.length} (available parallelism ${os.availableParallelism()})`,
    `- memory: ${mebibytes(os.totalmem())} total`,
    `- Node: ${process.version} (${process.platform} ${process.arch})`,
    `- date: ${now.toISOString()}`,
    `- load average (1/5/15 min) at start: ${loadAverage()}${busyBeforeStart() ? ` (busy before the bench began: other work shares these ${os.availableParallelism()} cores and shows up in every ratio)` : ''}`,
  ].join('\n');
}

/** The 1/5/15-minute load averages: the processes under test share the machine's cores with whatever else runs. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ');
}

/** More than half the cores already busy over the last minute. */
function busyBeforeStart(): boolean {
  return (os.loadavg()[0] ?? 0) > os.availableParallelism() * 0.5;
}
