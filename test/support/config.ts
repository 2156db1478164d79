/** The configuration tests start gateways with: the defaults, then the test's own overrides. */
import { defaultConfig, type GatewayConfig } from '../../src/config.js';

export function testConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return defaultConfig(overrides);
}
