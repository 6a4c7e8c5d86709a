import pino, { type Logger } from 'pino';

/**
 * The process's structured logger (JSON lines on stderr so stdout stays free for the
 * human progress line). WEFT_LOG_LEVEL sets the level; tests default to 'warn'.
 */
export const logger: Logger = pino(
  {
    name: 'weft',
    level: process.env.WEFT_LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'warn' : 'info'),
    base: { pid: process.pid },
  },
  pino.destination(2),
);

/** One child logger per rank, so every line a worker writes says which rank wrote it. */
export function rankLogger(rank: number, fields: Record<string, unknown> = {}): Logger {
  return logger.child({ rank, ...fields });
}

export type { Logger };
