/**
 * Counts what the embedded service's request log holds, by kind. The log grows with every request, so the
 * upstream child drains it into a tally continuously: under load an ever-growing array would cost the
 * upstream memory and GC time, and skew every target measured after it.
 */
import type { RecordedRequest } from '@odata-gateway/odata-service';
import type { UpstreamStats } from './protocol.js';

const RECENT_URLS = 5;

export class RequestTally {
  private stats: UpstreamStats = RequestTally.empty();

  private static empty(): UpstreamStats {
    return { httpRequests: 0, batchPosts: 0, gets: 0, batchParts: 0, recentUrls: [] };
  }

  /** Adds the records to the tally; `$batch` parts (batchPart set) are not HTTP requests. */
  add(records: readonly RecordedRequest[]): void {
    for (const record of records) {
      if (record.batchPart !== undefined) {
        this.stats.batchParts++;
        continue;
      }
      this.stats.httpRequests++;
      if (record.method === 'GET') this.stats.gets++;
      else if (record.method === 'POST' && record.path.endsWith('/$batch')) this.stats.batchPosts++;
      this.stats.recentUrls.push(record.url);
      if (this.stats.recentUrls.length > RECENT_URLS) this.stats.recentUrls.shift();
    }
  }

  /** The tally since the previous take(), and a fresh start. */
  take(): UpstreamStats {
    const taken = this.stats;
    this.stats = RequestTally.empty();
    return taken;
  }
}
