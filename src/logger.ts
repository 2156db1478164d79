/**
 * Structured logs (pino). Credentials never reach a log line: the redaction list covers every place an
 * Authorization value could appear.
 */
import { pino, type Logger } from 'pino';
import type { GatewayConfig } from './config.js';

export function createLogger(level: GatewayConfig['logLevel'], destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'odata-graphql-gateway' },
      redact: {
        paths: ['authorization', 'headers.authorization', 'req.headers.authorization', '*.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
