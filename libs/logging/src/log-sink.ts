import * as path from 'node:path';
import pino from 'pino';
import type { LogSettings } from './log-settings';
import { stderrIsTerminal } from './log-settings';
import { prettyFormatter } from './pretty-line';

type Destination = ReturnType<typeof pino.destination>;

/** The file a line goes to under a log directory: its rank's, else the coordinator's. */
export function logFileName(rank: number | null): string {
  return rank === null ? 'coordinator.log' : `rank-${rank}.log`;
}

/**
 * Where pino's JSON lines go in this thread: stderr (JSON or pretty, per the settings) and, with a
 * log directory, the rank's file (always JSON). Reads the settings on every line, so loggers made
 * before configureLogging follow it. Lines a rank's thread writes without a rank get it.
 */
export class LogSink {
  private files = new Map<string, Destination>();
  private stderrFd: Destination | null = null;
  private pretty: ((line: string) => string) | null = null;
  /** The rank this thread or process runs (set by the rank's entry), or null in a coordinator. */
  rank: number | null = null;

  /** `stderr`: where stderr's text goes (default: the terminal-aware writer below; tests pass their own). */
  constructor(
    public settings: LogSettings,
    private readonly stderr: (text: string) => void = (text) => this.writeStderr(text),
  ) {}

  /** pino's destination interface: one JSON line (with its newline) per call. */
  write(line: string): void {
    const parsed = JSON.parse(line) as { rank?: unknown };
    let rank = typeof parsed.rank === 'number' ? parsed.rank : null;
    if (rank === null && this.rank !== null) {
      rank = this.rank;
      line = `{"rank":${rank},${line.slice(1)}`;
    }
    if (this.settings.dir) this.file(path.join(this.settings.dir, logFileName(rank))).write(line);
    this.stderr(this.settings.format === 'json' ? line : this.prettyLine(line));
  }

  /** Closes the log files (when the directory changes). */
  closeFiles(): void {
    for (const file of this.files.values()) file.end();
    this.files.clear();
  }

  private prettyLine(line: string): string {
    this.pretty ??= prettyFormatter();
    return this.pretty(line);
  }

  private file(p: string): Destination {
    let file = this.files.get(p);
    if (!file) {
      file = pino.destination({ dest: p, mkdir: true, append: true, sync: true });
      this.files.set(p, file);
    }
    return file;
  }

  /**
   * On a terminal through process.stderr (in a worker thread that pipes to the main thread), so
   * that a progress bar's StatusLine sees every line; elsewhere straight to fd 2, synchronously.
   */
  private writeStderr(text: string): void {
    if (stderrIsTerminal()) {
      process.stderr.write(text);
      return;
    }
    this.stderrFd ??= pino.destination({ fd: 2, sync: true });
    this.stderrFd.write(text);
  }
}
