/** Plain-text tables for the summary: columns padded, numbers right-aligned. */

export type Cell = string | number;

export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const all: Cell[][] = [[...header], ...rows.map((r) => [...r])];
  const widths = header.map((_, c) => Math.max(...all.map((row) => String(row[c] ?? '').length)));
  const line = (row: readonly Cell[]): string =>
    row
      .map((cell, c) => (typeof cell === 'number' ? String(cell).padStart(widths[c]!) : String(cell).padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(all[0]!), rule, ...all.slice(1).map(line)].map((l) => `  ${l}`).join('\n');
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(2)}%`;
}
