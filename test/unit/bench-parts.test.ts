/**
 * The bench's pure parts that decide what its report says: /proc parsing and the process tree, medians and
 * the interleaving of paths, growth figures.
 */
import { describe, expect, it } from 'vitest';
import { commandLine, descendants, leaves, parseStat, parseStatus, type TreeProcess } from '../../bench/process-tree.js';
import { growth, percent, treeTotals } from '../../bench/scenarios/tree-memory-report.js';
import { median, rotate } from '../../bench/stats.js';

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
