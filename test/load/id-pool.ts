/**
 * Per tenant, the operations known to exist (their create was answered with data), for the clients to
 * read and update. A bounded ring: recent ids are the interesting ones, and memory stays flat.
 */
import type { KeyRef } from './queries.js';

const CAPACITY = 4000;

export class IdPool {
  private readonly ring: KeyRef[] = [];
  private next = 0;

  add(key: KeyRef): void {
    if (this.ring.length < CAPACITY) this.ring.push(key);
    else this.ring[this.next] = key;
    this.next = (this.next + 1) % CAPACITY;
  }

  /** A random known operation, or undefined while none is known. */
  sample(): KeyRef | undefined {
    if (this.ring.length === 0) return undefined;
    return this.ring[Math.floor(Math.random() * this.ring.length)];
  }

  get size(): number {
    return this.ring.length;
  }
}
