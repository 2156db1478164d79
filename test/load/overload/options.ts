/**
 * Run options of the overload test, from the command line and the environment, validated once up front so
 * a typo fails the run at once with the value received instead of silently running the default.
 *
 * | option            | env                   | default | meaning                                          |
 * |-------------------|-----------------------|---------|--------------------------------------------------|
 * | `--seconds N`     | `OVERLOAD_SECONDS`    | 20      | how long the clients keep sending                |
 * | `--clients N`     | `OVERLOAD_CLIENTS`    | 2000    | concurrent clients, each with one request at once|
 * | `--log-level L`   | `OVERLOAD_LOG_LEVEL`  | warn    | the gateway's LOG_LEVEL (its lines are counted)  |
 *
 * The command line wins over the environment.
 */
import type { GatewayConfig } from '../../../src/config.js';
import { argValue, numberOption } from '../cli-options.js';

export interface OverloadOptions {
  seconds: number;
  clients: number;
  logLevel: GatewayConfig['logLevel'];
}

const LOG_LEVELS: ReadonlyArray<GatewayConfig['logLevel']> = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const KNOWN = ['--seconds', '--clients', '--log-level'] as const;


export function overloadOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): OverloadOptions {
  for (const arg of argv) {
    const name = arg.split('=', 1)[0]!;
    if (arg.startsWith('--') && !(KNOWN as readonly string[]).includes(name)) throw new Error(`Unknown option ${arg}; known: ${KNOWN.join(', ')}.`);
  }
  const logLevel = argValue(argv, 'log-level') ?? env['OVERLOAD_LOG_LEVEL'] ?? 'warn';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new Error(`Invalid log level ${JSON.stringify(logLevel)}: expected one of ${LOG_LEVELS.join(', ')}.`);
  }
  return {
    seconds: numberOption(argValue(argv, 'seconds') ?? env['OVERLOAD_SECONDS'], 'seconds (OVERLOAD_SECONDS / --seconds)', 20, 1, 600, false),
    clients: numberOption(argValue(argv, 'clients') ?? env['OVERLOAD_CLIENTS'], 'clients (OVERLOAD_CLIENTS / --clients)', 2000, 1, 10_000, true),
    logLevel: logLevel as GatewayConfig['logLevel'],
  };
}
