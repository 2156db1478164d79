/**
 * Command-line and environment option parsing shared by the load tests (`run.ts`, `overload.ts`): one
 * `--name value` / `--name=value` reader and one validated number reader, so both report bad values alike.
 */

/** `--name value` or `--name=value`; undefined when absent. */
export function argValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}`) {
      const next = argv[i + 1];
      if (next === undefined) throw new Error(`--${name} needs a value.`);
      return next;
    }
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

/** A number from `raw` within [min, max] (whole when `integer`), `fallback` when absent; throws a clear line otherwise. */
export function numberOption(raw: string | undefined, label: string, fallback: number, min: number, max: number, integer: boolean): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new Error(`Invalid ${label}=${JSON.stringify(raw)}: expected ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}.`);
  }
  return value;
}
