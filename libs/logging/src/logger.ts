import { isMainThread } from 'node:worker_threads';
import pino, { type Logger } from 'pino';
import { checkLogFormat, LOG_ENV, logSettingsFromEnv, resolveLogFormat, stderrIsTerminal, type LogFormat, type LogFormatChoice } from './log-settings';
import { LogSink } from './log-sink';

const initial = logSettingsFromEnv(process.env, stderrIsTerminal());
const sink = new LogSink({ format: initial.format, dir: initial.dir, level: initial.level });
// A child process's stderr is a pipe to this process: tell it what 'auto' chose here.
if (isMainThread && !process.env[LOG_ENV.format]) process.env[LOG_ENV.format] = initial.format;

/**
 * The process's structured logger, on stderr so stdout stays free for the progress line: readable
 * lines on a terminal, pino's JSON lines otherwise, and with a log directory one JSON-lines file
 * per rank. WEFT_LOG_FORMAT (auto | pretty | json), WEFT_LOG_DIR and WEFT_LOG_LEVEL set it, and
 * worker threads and processes inherit them (a process's main thread writes what 'auto' resolved
 * to into WEFT_LOG_FORMAT for its children); configureLogging sets them from code (the CLI's
 * --log-format and --log-dir). Tests default to 'warn'.
 */
export const logger: Logger = pino({ name: 'weft', level: initial.level, base: { pid: process.pid } }, sink);
if (initial.problem) logger.warn(initial.problem);

/** One child logger per rank, so every line a worker writes says which rank wrote it. */
export function rankLogger(rank: number, fields: Record<string, unknown> = {}): Logger {
  return logger.child({ rank, ...fields });
}

export interface LoggingOptions {
  /** stderr's format: 'auto' (pretty on a terminal, JSON otherwise), 'pretty' or 'json'. */
  format?: LogFormatChoice;
  /** A directory for rank-<r>.log files and coordinator.log (JSON lines); null: none. */
  dir?: string | null;
  level?: string;
}

/**
 * Sets where and how this process logs, and exports the choice in WEFT_LOG_FORMAT, WEFT_LOG_DIR
 * and WEFT_LOG_LEVEL, so that worker threads and processes started afterwards log the same way
 * (a child process's stderr is a pipe to this one, so it is told the resolved format, not 'auto').
 */
export function configureLogging(options: LoggingOptions = {}): { format: LogFormat; dir: string | null; level: string } {
  const choice = options.format === undefined ? undefined : checkLogFormat(options.format, 'format');
  const format = choice === undefined ? sink.settings.format : resolveLogFormat(choice, stderrIsTerminal());
  const dir = options.dir === undefined ? sink.settings.dir : options.dir;
  const level = options.level ?? sink.settings.level;
  if (!Object.keys(logger.levels.values).includes(level)) {
    throw new Error(`level must be one of ${Object.keys(logger.levels.values).join(', ')}. Received: level=${JSON.stringify(level)}`);
  }
  if (dir !== sink.settings.dir) sink.closeFiles();
  sink.settings = { format, dir, level };
  logger.level = level;
  process.env[LOG_ENV.format] = format;
  process.env[LOG_ENV.level] = level;
  if (dir) process.env[LOG_ENV.dir] = dir;
  else delete process.env[LOG_ENV.dir];
  return { format, dir, level };
}

/** Marks this thread or process as running `rank`: its lines carry the rank and go to rank-<r>.log. */
export function setLogRank(rank: number): void {
  sink.rank = rank;
}

export type { Logger };
