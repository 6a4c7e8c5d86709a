import { prettyFactory } from 'pino-pretty';

type LogObject = Record<string, unknown>;

/** "[rank 1] store: message": who wrote the line, then what it says. */
function messageFormat(log: LogObject, messageKey: string): string {
  const who = typeof log.rank === 'number' ? `[rank ${log.rank}] ` : '';
  const component = typeof log.component === 'string' ? `${log.component}: ` : '';
  return `${who}${component}${String(log[messageKey] ?? '')}`;
}

/**
 * A formatter from pino's JSON lines to one readable line each ("[23:22:48.396] INFO: [rank 1]
 * compute backend ready {"backend":"wasm"}"); errors keep their stack on the lines below.
 * `colorize` defaults to pino-pretty's choice (a colour terminal, unless NO_COLOR is set).
 */
export function prettyFormatter(options: { colorize?: boolean } = {}): (jsonLine: string) => string {
  return prettyFactory({
    ...(options.colorize === undefined ? {} : { colorize: options.colorize }),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name,rank,component',
    messageFormat,
    singleLine: true,
  });
}
