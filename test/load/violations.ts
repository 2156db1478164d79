/**
 * Contract violations found during or after the run, by kind, with the first few examples of each so a
 * failure can be reproduced without drowning the output. Any violation fails the run.
 */

const EXAMPLES_PER_KIND = 5;

export interface ViolationEntry {
  kind: string;
  count: number;
  examples: string[];
}

export class Violations {
  private readonly byKind = new Map<string, ViolationEntry>();

  add(kind: string, example: string): void {
    let entry = this.byKind.get(kind);
    if (!entry) {
      entry = { kind, count: 0, examples: [] };
      this.byKind.set(kind, entry);
    }
    entry.count += 1;
    if (entry.examples.length < EXAMPLES_PER_KIND) entry.examples.push(example);
  }

  get total(): number {
    let sum = 0;
    for (const entry of this.byKind.values()) sum += entry.count;
    return sum;
  }

  entries(): ViolationEntry[] {
    return [...this.byKind.values()].sort((a, b) => b.count - a.count);
  }
}
