/**
 * Structured logs (pino). Credentials and upstream addresses never reach a log line: Authorization is
 * redacted wherever it could appear, and logged errors have URLs and bearer tokens cut out of their text.
 */
import { pino, stdSerializers, type Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import { BatchedLines } from './log-output.js';

/** Removes URLs and bearer tokens from free text (error messages and stacks). */
export function scrubText(text: string): string {
  return text.replace(/\bhttps?:\/\/[^\s'"<>]+/gi, '[url]').replace(/\bBearer\s+[^\s'"]+/gi, 'Bearer [redacted]');
}

function scrubError(error: unknown): Record<string, unknown> {
  const serialized = stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of ['type', 'message', 'stack', 'code', 'path', 'extensions'] as const) {
    const value = serialized[key];
    if (value !== undefined) out[key] = typeof value === 'string' ? scrubText(value) : value;
  }
  return out;
}

/** A process's log, and a way to print a plain line to the same output. */
export interface ProcessLog {
  log: Logger;
  /**
   * Prints a plain (not JSON) line after every log line written so far. It goes through the log's own
   * batches: a line printed beside them (console.log) could overtake lines still waiting in a batch.
   */
  announce(line: string): void;
}

export function createProcessLog(level: GatewayConfig['logLevel']): ProcessLog {
  if (level === 'silent') return { log: createLogger(level), announce: (line) => console.log(line) };
  const output = new BatchedLines();
  return {
    log: createLogger(level, output),
    announce(line) {
      output.write(`${line}\n`);
      output.flush();
    },
  };
}

export function createLogger(level: GatewayConfig['logLevel'], destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'odata-graphql-gateway' },
      serializers: { err: scrubError },
      redact: {
        paths: ['authorization', 'headers.authorization', 'req.headers.authorization', '*.authorization'],
        censor: '[redacted]',
      },
    },
    destination ?? (level === 'silent' ? undefined : new BatchedLines()),
  );
}
