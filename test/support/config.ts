/**
 * The configuration tests start gateways with: the defaults, the HTTP handler under test, then the test's
 * own overrides. `HTTP_HANDLER=yoga npm run test:yoga` (a second run in .ci/run) puts every gateway the
 * suites start behind yoga alone; the default run uses the lean handler, as `npm start` does.
 */
import { defaultConfig, type GatewayConfig, type HttpHandler } from '../../src/config.js';

export function handlerUnderTest(): HttpHandler {
  const chosen = process.env.HTTP_HANDLER;
  if (chosen === undefined || chosen === '' || chosen === 'lean') return 'lean';
  if (chosen === 'yoga') return 'yoga';
  throw new Error(`HTTP_HANDLER must be lean or yoga, received ${JSON.stringify(chosen)}`);
}

export function testConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return defaultConfig({ httpHandler: handlerUnderTest(), ...overrides });
}
