/**
 * A scripted upstream stack: the hostile upstream (hostile-upstream.ts) with the real gateway in front of
 * it, for tests that only need hand-written JSON answers and the requests the upstream received.
 */
import type { GatewayConfig } from '../../src/config.js';
import { startGatewayOver, startHostileUpstream, type GatewayUnderTest, type HostileRequest, type HostileScript } from './hostile-upstream.js';

export type ScriptedRequest = HostileRequest;
export type Script = HostileScript;

export interface ScriptedStack {
  /** Service root of the scripted upstream (`http://127.0.0.1:port/beta`). */
  serviceRoot: string;
  requests: ScriptedRequest[];
  gql: GatewayUnderTest['gql'];
  close(): Promise<void>;
}

export async function startScriptedStack(script: Script, config: Partial<GatewayConfig> = {}): Promise<ScriptedStack> {
  const upstream = await startHostileUpstream(script);
  const gateway = await startGatewayOver(upstream.serviceRoot, { logLevel: 'silent', ...config });
  return {
    serviceRoot: upstream.serviceRoot,
    requests: upstream.requests,
    gql: gateway.gql,
    async close() {
      await gateway.close();
      await upstream.close();
    },
  };
}
