import { parseFlags, type FlagOptions } from '@weft/tensor';

/** Parses a weft command's flags, --help/-h included; an unknown flag is an error that points at the command's --help. */
export function parseCommandArgs<T extends FlagOptions>(command: string, args: string[], options: T) {
  return parseFlags(args, { ...options, help: { type: 'boolean', short: 'h' } }, { help: `Run 'weft ${command} --help' for the options.`, allowPositionals: true });
}
