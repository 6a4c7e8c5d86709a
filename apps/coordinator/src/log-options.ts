import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { configureLogging, LOG_FORMATS, type LogFormatChoice } from '@weft/logging';

/** The two options' help, their descriptions starting at column `column` (as the command's other options do). */
export function logHelp(column: number): string {
  const option = (flag: string, lines: string[]) =>
    lines.map((line, i) => `${(i === 0 ? `  ${flag}` : '').padEnd(column)}${line}\n`).join('');
  return (
    option('--log-format KIND', [
      'auto | pretty | json: log lines on stderr (default auto: pretty on a',
      'terminal, JSON lines otherwise); worker threads and processes follow',
    ]) + option('--log-dir DIR', ['also write JSON lines to DIR: rank-0.log, rank-1.log, ... and coordinator.log'])
  );
}

const LOG_FLAGS = { 'log-format': { type: 'string' }, 'log-dir': { type: 'string' } } as const;

/**
 * Applies --log-format and --log-dir (configureLogging, which the workers inherit through the
 * environment) and returns the other arguments, for the command's own parser.
 */
export function applyLogArgs(command: string, args: string[]): string[] {
  const { tokens } = parseArgs({ args, options: LOG_FLAGS, strict: false, allowPositionals: true, tokens: true });
  const drop = new Set<number>();
  const values: Partial<Record<keyof typeof LOG_FLAGS, string>> = {};
  for (const token of tokens) {
    if (token.kind !== 'option' || !(token.name in LOG_FLAGS)) continue;
    const name = token.name as keyof typeof LOG_FLAGS;
    drop.add(token.index);
    let value = token.value;
    if (!token.inlineValue) {
      value = args[token.index + 1];
      drop.add(token.index + 1);
    }
    if (value === undefined || value.startsWith('--')) {
      throw new Error(`--${name} needs a value. Run 'weft ${command} --help' for the options.`);
    }
    values[name] = value;
  }
  const format = values['log-format'];
  if (format !== undefined && !LOG_FORMATS.includes(format as LogFormatChoice)) {
    throw new Error(`--log-format must be ${LOG_FORMATS.join(', ')}. Received: --log-format ${format}`);
  }
  if (format !== undefined || values['log-dir'] !== undefined) {
    configureLogging({
      format: format as LogFormatChoice | undefined,
      dir: values['log-dir'] === undefined ? undefined : path.resolve(values['log-dir']),
    });
  }
  return args.filter((_, i) => !drop.has(i));
}
