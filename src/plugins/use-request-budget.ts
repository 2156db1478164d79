/** Placeholder: the per-request budget checked before execution (being built). */
import type { Plugin } from 'graphql-yoga';
import type { GatewayConfig } from '../config.js';

export function useRequestBudget(_config: Pick<GatewayConfig, 'maxUpstreamRequests' | 'maxNodes' | 'defaultPageSize' | 'batchMax'>): Plugin {
  return {};
}
