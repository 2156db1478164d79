/**
 * Run options of the load test, from the command line and the environment, validated once up front so a
 * typo fails the run at once with the value received instead of silently running the default.
 *
 * | option              | env                | default | meaning                                      |
 * |---------------------|--------------------|---------|----------------------------------------------|
 * | `--seconds N`       | `LOAD_SECONDS`     | 30      | how long the clients keep sending            |
 * | `--clients N`       | `LOAD_CLIENTS`     | 50      | concurrent clients (tenants alternate)       |
 * | `--fault-rate R`    | `LOAD_FAULT_RATE`  | 0.05    | share of upstream requests given a fault     |
 * | `--log-level L`     | `LOAD_LOG_LEVEL`   | silent  | the gateway's pino level (to debug a failure)|
 *
 * The command line wins over the environment.
 */
import type { GatewayConfig } from '../../src/config.js';
import { argValue, numberOption } from './cli-options.js';

export interface LoadOptions {
  seconds: number;
  clients: number;
  faultRate: number;
  logLevel: GatewayConfig['logLevel'];
}

const LOG_LEVELS: ReadonlyArray<GatewayConfig['logLevel']> = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];


export function loadOptions(argv: readonly string[], env: Record<string, string | undefined>): LoadOptions {
  const known = new Set(['--seconds', '--clients', '--fault-rate', '--log-level']);
  for (const arg of argv) {
    if (arg.startsWith('--') && !known.has(arg.split('=', 1)[0]!)) throw new Error(`Unknown option ${arg}; known: ${[...known].join(', ')}.`);
  }
  const logLevel = argValue(argv, 'log-level') ?? env['LOAD_LOG_LEVEL'] ?? 'silent';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new Error(`Invalid log level ${JSON.stringify(logLevel)}: expected one of ${LOG_LEVELS.join(', ')}.`);
  }
  return {
    seconds: numberOption(argValue(argv, 'seconds') ?? env['LOAD_SECONDS'], 'seconds (LOAD_SECONDS / --seconds)', 30, 1, 3600, false),
    clients: numberOption(argValue(argv, 'clients') ?? env['LOAD_CLIENTS'], 'clients (LOAD_CLIENTS / --clients)', 50, 2, 1000, true),
    faultRate: numberOption(argValue(argv, 'fault-rate') ?? env['LOAD_FAULT_RATE'], 'fault rate (LOAD_FAULT_RATE / --fault-rate)', 0.05, 0, 0.5, false),
    logLevel: logLevel as GatewayConfig['logLevel'],
  };
}
