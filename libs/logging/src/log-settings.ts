import { isatty } from 'node:tty';
import { isMainThread } from 'node:worker_threads';

export type LogFormat = 'pretty' | 'json';
export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
export type LogFormatChoice = (typeof LOG_FORMATS)[number];

/** How this thread writes its log lines. */
export interface LogSettings {
  /** What stderr gets: human-readable lines, or pino's JSON lines. */
  format: LogFormat;
  /** A directory for one JSON-lines file per rank (rank-<r>.log) and coordinator.log; null: none. */
  dir: string | null;
  level: string;
}

/** The environment variables that carry the settings to worker threads and processes. */
export const LOG_ENV = { format: 'WEFT_LOG_FORMAT', dir: 'WEFT_LOG_DIR', level: 'WEFT_LOG_LEVEL' } as const;

/** Whether fd 2 is a terminal; a worker thread's process.stderr is a pipe to its parent, so ask the fd. */
export function stderrIsTerminal(): boolean {
  return isMainThread ? Boolean(process.stderr.isTTY) : isatty(2);
}

export function checkLogFormat(value: unknown, source: string): LogFormatChoice {
  if (!LOG_FORMATS.includes(value as LogFormatChoice)) {
    throw new Error(`${source} must be ${LOG_FORMATS.join(', ')}. Received: ${source}=${JSON.stringify(value)}`);
  }
  return value as LogFormatChoice;
}

/** 'auto': pretty on a terminal, JSON otherwise (pipes, files, log collectors). */
export function resolveLogFormat(choice: LogFormatChoice, terminal: boolean): LogFormat {
  return choice === 'auto' ? (terminal ? 'pretty' : 'json') : choice;
}

/** The settings the environment gives this thread; a bad WEFT_LOG_FORMAT reads as 'auto' (see `problem`). */
export function logSettingsFromEnv(env: NodeJS.ProcessEnv, terminal: boolean): LogSettings & { problem: string | null } {
  let choice: LogFormatChoice = 'auto';
  let problem: string | null = null;
  try {
    choice = checkLogFormat(env[LOG_ENV.format] || 'auto', LOG_ENV.format);
  } catch (err) {
    problem = `${(err as Error).message}; using 'auto'`;
  }
  return {
    format: resolveLogFormat(choice, terminal),
    dir: env[LOG_ENV.dir] || null,
    level: env[LOG_ENV.level] ?? (env.JEST_WORKER_ID ? 'warn' : 'info'),
    problem,
  };
}
