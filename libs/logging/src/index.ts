export { logger, rankLogger, configureLogging, setLogRank, type Logger, type LoggingOptions } from './logger';
export { StatusLine, type LineStream } from './status-line';
export { prettyFormatter } from './pretty-line';
export { logFileName } from './log-sink';
export { LOG_ENV, LOG_FORMATS, type LogFormat, type LogFormatChoice } from './log-settings';
