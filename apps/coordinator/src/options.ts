import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a command's flags with node:util; an unknown flag or a bad number is an error that names
 * the flag and points at --help.
 */
export function parseCommandArgs<T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new Error(`${(err as Error).message}. Run 'weft ${command} --help' for the options.`);
  }
}

/** Reads a numeric flag: an integer >= min, or the fallback when the flag is absent. */
export function intOption(name: string, raw: unknown, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`--${name} must be an integer >= ${min}. Received: --${name} ${String(raw)}`);
  }
  return value;
}
