/**
 * Child process: the embedded OData service on a free loopback port, seeded with the bench's operations.
 * Answers `stats` with what it received since the last `stats`.
 */
import { createODataService } from '@odata-gateway/odata-service';
import { announceReady, serveCommands } from '../child-side.js';
import { RequestTally } from '../request-tally.js';
import { SEED_COUNT, seededOperation } from '../workload.js';

const DRAIN_INTERVAL_MS = 100;

const service = createODataService({ seed: false });
for (let n = 0; n < SEED_COUNT; n++) {
  const { connectionId, operationId, status } = seededOperation(n);
  service.store.putOperation(connectionId, { id: operationId, status });
}

const tally = new RequestTally();
function drain(): void {
  tally.add(service.requests);
  service.clearRequests();
}
// Synchronous with request handling (one event loop), so no record is lost or counted twice.
setInterval(drain, DRAIN_INTERVAL_MS).unref();

serveCommands({
  stats: () => {
    drain();
    return tally.take();
  },
  shutdown: () => service.close(),
});

const url = await service.listen(0, '127.0.0.1');
await announceReady(url);
