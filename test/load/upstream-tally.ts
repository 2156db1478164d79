/**
 * Counts what the upstream received, draining the service's request log as it goes: the log keeps every
 * request with headers and body, which over a long run would be the biggest thing in memory. Create POSTs
 * are also counted per id, so that "a create is one POST, never retried" can be checked (verify-sends.ts).
 */
import type { ODataService, RecordedRequest } from '@odata-gateway/odata-service';

export type UpstreamKind = 'read by key (GET)' | 'list page (GET)' | 'create (POST)' | 'update (PATCH)' | '$batch (POST)' | '$batch part' | 'other';

const DRAIN_EVERY_MS = 250;

function kindOf(request: RecordedRequest, basePath: string): UpstreamKind {
  if (request.batchPart !== undefined) return '$batch part';
  const path = request.path.startsWith(basePath) ? request.path.slice(basePath.length) : request.path;
  if (path === '/$batch' && request.method === 'POST') return '$batch (POST)';
  if (/^\/connections\/[^/]+\/operations$/.test(path)) {
    if (request.method === 'GET') return 'list page (GET)';
    if (request.method === 'POST') return 'create (POST)';
  }
  if (/^\/connections\/[^/]+\/operations\/[^/]+$/.test(path)) {
    if (request.method === 'GET') return 'read by key (GET)';
    if (request.method === 'PATCH') return 'update (PATCH)';
  }
  return 'other';
}

export class UpstreamTally {
  readonly byKind = new Map<UpstreamKind, number>();
  /** Create POSTs received, by the id in their body. */
  readonly createPostsById = new Map<string, number>();
  /** Create POSTs received without an id. */
  createPostsWithoutId = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly basePath: string;

  constructor(private readonly service: ODataService) {
    this.basePath = new URL(service.url).pathname.replace(/\/+$/, '');
    this.timer = setInterval(() => this.drain(), DRAIN_EVERY_MS);
  }

  /** Counts and forgets what was logged so far. */
  drain(): void {
    for (const request of this.service.requests) {
      const kind = kindOf(request, this.basePath);
      this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
      if (kind === 'create (POST)') this.countCreate(request.body);
    }
    this.service.clearRequests();
  }

  private countCreate(body: unknown): void {
    const id = typeof body === 'object' && body !== null && 'id' in body && typeof body.id === 'string' ? body.id : undefined;
    if (id === undefined) this.createPostsWithoutId += 1;
    else this.createPostsById.set(id, (this.createPostsById.get(id) ?? 0) + 1);
  }

  /** Top-level HTTP requests plus `$batch` parts. */
  get total(): number {
    let sum = 0;
    for (const n of this.byKind.values()) sum += n;
    return sum;
  }

  stop(): void {
    clearInterval(this.timer);
    this.drain();
  }
}
