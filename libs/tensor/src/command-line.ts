// Command-line flags for every weft entry point (the weft CLI, the examples, the benchmarks): node's
// util.parseArgs, plus readers for the values it leaves as strings. Errors name the flag and say
// where the options are listed.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type FlagOptions = NonNullable<ParseArgsConfig['options']>;

export interface ParseFlagsSettings {
  /** Ends every error: where the flags are listed, e.g. "Run 'weft train --help' for the options." */
  help: string;
  /** Accept arguments that are not flags (default false: they are an error). */
  allowPositionals?: boolean;
}

/**
 * Parses flags with util.parseArgs, strictly: an unknown flag, a flag without its value or (unless
 * allowed) a positional argument is an error.
 */
export function parseFlags<T extends FlagOptions>(args: string[], options: T, settings: ParseFlagsSettings) {
  try {
    return parseArgs({ args, options, allowPositionals: settings.allowPositionals ?? false, strict: true });
  } catch (err) {
    throw new Error(`${(err as Error).message}. ${settings.help}`);
  }
}

/** An integer flag's value: an integer >= min, or the fallback when the flag is absent. */
export function intOption(name: string, raw: unknown, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`--${name} must be an integer >= ${min}. Received: --${name} ${String(raw)}`);
  }
  return value;
}

/** A flag's value that must be one of `choices`, or the fallback when the flag is absent. */
export function choiceOption<T extends string>(name: string, raw: string | undefined, choices: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback;
  if (!choices.includes(raw as T)) throw new Error(`--${name} must be one of ${choices.join(', ')}. Received: --${name} ${raw}`);
  return raw as T;
}
