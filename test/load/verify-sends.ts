/**
 * "A create is one POST, never retried": for every create a client sent, the upstream must have received
 * at most as many POSTs with that id as the client sent GraphQL creates for it (one, two with the client's
 * own retry). Creates without an id are checked by count.
 */
import type { Ledger } from './ledger.js';
import type { Metrics } from './metrics.js';
import type { UpstreamTally } from './upstream-tally.js';
import type { Violations } from './violations.js';

export function verifySends(upstream: UpstreamTally, ledger: Ledger, metrics: Metrics, violations: Violations): void {
  for (const record of ledger.creates.values()) {
    const attempts = record.retry === undefined ? 1 : 2;
    const posts = upstream.createPostsById.get(record.id) ?? 0;
    if (posts > attempts) violations.add('a create was sent upstream more than once', `${record.connectionId}/${record.id}: ${posts} POSTs for ${attempts} GraphQL create(s)`);
  }
  for (const id of upstream.createPostsById.keys()) {
    if (!ledger.creates.has(id)) violations.add('the upstream received a create no client sent', id);
  }
  const generatedRequests = metrics.ops.get('create (generated id)')?.requests ?? 0;
  if (upstream.createPostsWithoutId > generatedRequests) {
    violations.add('a create was sent upstream more than once', `${upstream.createPostsWithoutId} POSTs without id for ${generatedRequests} GraphQL creates without id`);
  }
}
