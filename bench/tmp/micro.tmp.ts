import { parse } from 'graphql';
import { GatewayMetrics } from '../../src/metrics/gateway-metrics.js';
import { RequestRecord } from '../../src/telemetry/request-record.js';
const m = new GatewayMetrics({ batchMax: 20 });
const doc = parse('query One { connectionOperation(connectionId: "c", operationId: "o") { status } }');
const req = { method: 'GET' } as any;
function time(name: string, n: number, f: () => void) {
  for (let i = 0; i < n / 10; i++) f();
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  console.log(name, (Number(process.hrtime.bigint() - t) / n).toFixed(0), 'ns');
}
for (let r = 0; r < 2; r++) {
time('record+ended', 300000, () => { const rec = new RequestRecord('http', {}); rec.operationName = undefined; rec.document = doc; rec.result = { data: {} }; rec.status = 200; m.ended(rec); });
time('record only', 300000, () => { const rec = new RequestRecord('http', {}); rec.document = doc; rec.result = { data: {} }; rec.name(); rec.failed(); rec.errorCodes(); });
time('attempt', 300000, () => { const t = m.attemptStarted(); m.attemptEnded(t, req, 'get', 200); });
time('loaderAsked', 300000, () => { m.loaderAsked('operation', 1); });
time('loaderFetched', 300000, () => { m.loaderFetched('operation', 1); });
time('batchPart', 300000, () => { m.batchPartAnswered(200); });
time('batchSent', 300000, () => { m.batchSent(20); });
time('perfnow', 300000, () => { performance.now(); });
}
