/**
 * The bench's pure parts that decide what its report says: /proc parsing and the process tree, medians and
 * the interleaving of paths, growth figures, the cost of metrics, the gateway against the proxy and the bare server.
 */
import { describe, expect, it } from 'vitest';
import { commandLine, descendants, leaves, parseStat, parseStatus, type TreeProcess } from '../../bench/process-tree.js';
import { percent } from '../../bench/format.js';
import { growth, treeTotals } from '../../bench/scenarios/tree-memory-report.js';
import { type Measurement, type Run, TARGETS, type TargetName } from '../../bench/scenarios/latency.js';
import { compareRows } from '../../bench/scenarios/latency-report.js';
import { median, rotate } from '../../bench/stats.js';
import { startNodeFlags } from '../../bench/start-flags.js';
import { readFileSync } from 'node:fs';
import { cpuVsBareVerdict, metricsCostVerdict, throughputVerdict } from '../../bench/summary.js';

describe('/proc parsing', () => {
  it('reads pid, comm and ppid from a stat line whose comm has spaces and parentheses', () => {
    expect(parseStat('4242 (node (x) y) S 17 4242 4242 0 -1 4194304')).toEqual({ pid: 4242, ppid: 17, comm: 'node (x) y' });
    expect(parseStat('garbage')).toBeUndefined();
    expect(parseStat('12 (sh) S x')).toBeUndefined();
  });

  it('reads VmRSS and VmHWM in bytes, and nothing from a status without them', () => {
    const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t7\n';
    expect(parseStatus(status)).toEqual({ rss: 102400 * 1024, peakRss: 204800 * 1024 });
    expect(parseStatus('Name:\tkthreadd\nState:\tS\n')).toBeUndefined();
  });

  it('walks a tree breadth first from its root, and leaves out other processes', () => {
    const lines = [
      { pid: 10, ppid: 1, comm: 'npm' },
      { pid: 12, ppid: 11, comm: 'node' },
      { pid: 11, ppid: 10, comm: 'sh' },
      { pid: 13, ppid: 10, comm: 'esbuild' },
      { pid: 99, ppid: 1, comm: 'other' },
    ];
    expect(descendants(10, lines)).toEqual([10, 11, 13, 12]);
    const tree = [10, 11, 12, 13].map((pid) => ({ pid, ppid: lines.find((l) => l.pid === pid)!.ppid, depth: 0, command: '', rss: 1, peakRss: 2 }) satisfies TreeProcess);
    expect(leaves(tree).sort()).toEqual([12, 13]);
    expect(treeTotals(tree)).toEqual({ rss: 4, peakRss: 8, processes: 4 });
  });

  it('shortens a long command line around its end', () => {
    expect(commandLine('node\0dist/main.js\0')).toBe('node dist/main.js');
    const long = commandLine(`/usr/bin/node\0--import\0${'x'.repeat(200)}\0src/main.ts`, 40);
    expect(long.length).toBeLessThanOrEqual(40);
    expect(long.endsWith('src/main.ts')).toBe(true);
    expect(long.startsWith('/usr/bin/nod')).toBe(true);
  });
});

describe('figures', () => {
  it('takes the median of odd and even samples', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('rotates the paths so that each round starts with another one', () => {
    expect([0, 1, 2, 3].map((round) => rotate(['lean', 'yoga', 'proxy'], round)[0])).toEqual(['lean', 'yoga', 'proxy', 'lean']);
    expect(rotate(['a', 'b'], -1)).toEqual(['b', 'a']);
    expect(rotate([], 3)).toEqual([]);
  });

  it('states growth as a signed share', () => {
    expect(growth(100, 105)).toBeCloseTo(0.05);
    expect(percent(growth(100, 126.4))).toBe('+26.4%');
    expect(percent(growth(100, 90))).toBe('-10.0%');
    expect(percent(Number.NaN)).toBe('n/a');
  });
});

/** A 3 s run at `rps` whose serving process spent `micros` of CPU per request. */
const run = (rps: number, micros: number, failures = 0): Run => ({
  result: { p50: 1, p99: 2, rps, ok: rps * 3 - failures, failures, durationS: 3 },
  cpuMicros: micros * rps * 3,
  upstreamCpuMicros: 0,
  upstreamRequests: rps * 3,
});
/** One row: every path at 1000 req/s and 100 µs/req over three rounds, except those given. */
const row = (concurrency: number, given: Partial<Record<TargetName, Run[]>>): Measurement[] =>
  TARGETS.map((target) => ({
    workload: 'by key',
    concurrency,
    target,
    runs: given[target] ?? [run(1000, 100), run(1000, 100), run(1000, 100)],
  }));

describe('cost of metrics (issue 13)', () => {

  it('compares gateway with gateway-nometrics by the medians of req/s, round by round, and by CPU per request', () => {
    const [r] = compareRows(
      row(10, {
        gateway: [run(960, 110), run(990, 110), run(900, 110)],
        'gateway-nometrics': [run(1000, 100), run(1000, 100), run(1000, 100)],
      }),
    );
    const cost = r!.metricsCost;
    expect(cost.ratio).toBeCloseTo(0.96);
    expect(cost.cost).toBeCloseTo(0.04);
    expect(cost.roundRatioMin).toBeCloseTo(0.9);
    expect(cost.roundRatioMax).toBeCloseTo(0.99);
    expect(cost.cpuMicros).toBeCloseTo(10);
    expect(cost.cpuShare).toBeCloseTo(0.1);
    expect(cost.met).toBe(true);
  });

  it('misses at 5% and above and with a failed request; the verdict needs every row', () => {
    const at5 = compareRows(row(1, { gateway: [run(950, 105)], 'gateway-nometrics': [run(1000, 100)] }))[0]!;
    expect(at5.metricsCost.cost).toBeCloseTo(0.05);
    expect(at5.metricsCost.met).toBe(false);
    const failed = compareRows(row(1, { 'gateway-nometrics': [run(1000, 100, 1)] }))[0]!;
    expect(failed.metricsCost.cost).toBeCloseTo(0, 2);
    expect(failed.metricsCost.met).toBe(false);
    const faster = compareRows(row(32, { gateway: [run(1010, 100)], 'gateway-nometrics': [run(1000, 100)] }))[0]!;
    expect(faster.metricsCost.cost).toBeCloseTo(-0.01);
    expect(faster.metricsCost.met).toBe(true);

    expect(metricsCostVerdict([faster]).outcome).toBe('met');
    const verdict = metricsCostVerdict([faster, at5]);
    expect(verdict.outcome).toBe('MISSED');
    expect(verdict.figures).toBe('1/2 rows: by key c=32 -1.0% (1.01×, CPU 100 → 100 µs/req), by key c=1 +5.0% (0.95×, CPU 100 → 105 µs/req)');
    expect(metricsCostVerdict([])).toMatchObject({ outcome: 'MISSED', figures: 'not measured' });
  });

  it('leaves out a row without its gateway-nometrics path', () => {
    expect(compareRows(row(1, {}).filter((m) => m.target !== 'gateway-nometrics'))).toEqual([]);
  });
});

describe('the gateway against the proxy and the bare server (issue 21)', () => {
  it('holds the gateway to 0.7× the proxy req/s and 1.3× the bare server CPU per request, row by row', () => {
    const [r] = compareRows(row(10, { gateway: [run(700, 130)], proxy: [run(1000, 60)], bare: [run(900, 100)] }));
    expect(r!.gatewayVsProxy).toBeCloseTo(0.7);
    expect(r!.gatewayCpuVsBare).toBeCloseTo(1.3);
    expect(r!.throughputMet).toBe(true);
    expect(r!.cpuMet).toBe(true);
    const [slow] = compareRows(row(32, { gateway: [run(690, 131)], proxy: [run(1000, 60)], bare: [run(900, 100)] }));
    expect(slow!.throughputMet).toBe(false);
    expect(slow!.cpuMet).toBe(false);
    expect(throughputVerdict([r!, slow!])).toMatchObject({ outcome: 'MISSED', figures: '1/2 rows: by key c=10 0.70×, by key c=32 0.69×' });
    expect(cpuVsBareVerdict([r!]).outcome).toBe('met');
    expect(cpuVsBareVerdict([])).toMatchObject({ outcome: 'MISSED', figures: 'not measured' });
  });

  it('misses a row whose gateway, proxy or bare server failed a request', () => {
    expect(compareRows(row(1, { proxy: [run(1000, 60, 1)] }))[0]!.throughputMet).toBe(false);
    expect(compareRows(row(1, { bare: [run(1000, 100, 1)] }))[0]!.cpuMet).toBe(false);
  });
});

describe("the node flags of npm start's gateway process", () => {
  it('reads the flags between node and dist/main.js', () => {
    expect(startNodeFlags('npm run -s build && NODE_ENV=x exec node --max-semi-space-size=4 --foo=1 dist/main.js')).toEqual(['--max-semi-space-size=4', '--foo=1']);
    expect(startNodeFlags('node dist/main.js')).toEqual([]);
    expect(startNodeFlags('tsx src/main.ts')).toEqual([]);
    expect(startNodeFlags('node --a dist/main.jsx')).toEqual([]);
  });

  it("finds package.json's start script's flags (the heap's bounds, which keep the memory goals)", () => {
    const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
    expect(startNodeFlags(scripts.start)).toEqual(['--max-semi-space-size=4', '--heap-growing-percent=50']);
  });
});
