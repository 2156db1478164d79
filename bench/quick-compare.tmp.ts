import autocannon from 'autocannon';
import { startGateway, startProxy, startUpstream } from './stack.js';
import { LIST_QUERY, SINGLE_QUERY } from './workload.js';
const upstream = await startUpstream();
const origin = new URL(upstream.url).origin;
const [lean, yoga, proxy] = await Promise.all([
  startGateway({ upstreamUrl: upstream.url, batchMode: 'json', httpHandler: 'lean' }),
  startGateway({ upstreamUrl: upstream.url, batchMode: 'json', httpHandler: 'yoga' }),
  startProxy(origin),
]);
async function run(url: string, body?: string, method = 'POST') {
  const r: any = await (autocannon as any)({ url, method, connections: 10, duration: 4, headers: { 'content-type': 'application/json' }, ...(body ? { body } : {}) });
  return r.requests.average;
}
// proxy path: one upstream GET of a list
const probe = await fetch(lean.url + '/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: LIST_QUERY }) });
console.log((await probe.text()).slice(0, 200));
for (const [name, q] of [['list', LIST_QUERY], ['single', SINGLE_QUERY]] as const) {
  const body = JSON.stringify({ query: q });
  await upstream.call('stats');
  await fetch(lean.url + '/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const path = (await upstream.call('stats')).recentUrls.at(-1);
  for (let rep = 0; rep < 2; rep++) {
    const p = await run(proxy.url + path, undefined, 'GET');
    const l = await run(lean.url + '/graphql', body);
    const y = await run(yoga.url + '/graphql', body);
    console.log(name, 'proxy', p, 'lean', l, 'yoga', y, 'lean/proxy', (l / p).toFixed(2), 'yoga/proxy', (y / p).toFixed(2));
  }
}
for (const c of [upstream, lean, yoga, proxy]) await c.stop?.();
process.exit(0);
