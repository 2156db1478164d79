/** Pure text formatting of the report: markdown tables and number renderings. */

export type Align = 'left' | 'right';

export interface Column {
  header: string;
  align?: Align;
}

/**
 * A GitHub-flavoured markdown table, padded so that it also reads well as plain text in a terminal.
 * Numbers should be formatted by the caller; every cell is a string here.
 */
export function markdownTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = columns.map((column, i) => Math.max(3, column.header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const pad = (text: string, i: number): string => {
    const width = widths[i]!;
    return columns[i]!.align === 'right' ? text.padStart(width) : text.padEnd(width);
  };
  const line = (cells: readonly string[]): string => `| ${columns.map((_, i) => pad(cells[i] ?? '', i)).join(' | ')} |`;
  const rule = `| ${columns.map((column, i) => (column.align === 'right' ? `${'-'.repeat(widths[i]! - 1)}:` : '-'.repeat(widths[i]!))).join(' | ')} |`;
  return [line(columns.map((c) => c.header)), rule, ...rows.map(line)].join('\n');
}

/** Milliseconds with a precision that suits loopback latencies (sub-millisecond to seconds). */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return value.toFixed(0);
}

/** A ratio such as `0.83×`; `n/a` when there is no meaningful ratio. */
export function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

export function integer(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toString() : 'n/a';
}

/** A share as a percentage with one decimal, signed (`+5.0%`, `-1.2%`) unless `signed` is false; `n/a` when not finite. */
export function percent(share: number, signed = true): string {
  if (!Number.isFinite(share)) return 'n/a';
  return `${signed && share >= 0 ? '+' : ''}${(share * 100).toFixed(1)}%`;
}

export function mebibytes(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : 'n/a';
}

export function heading(title: string): string {
  return `\n## ${title}\n`;
}
