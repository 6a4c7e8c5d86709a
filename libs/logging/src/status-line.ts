/** Where a status line is drawn: process.stdout, or a test's stand-in. */
export interface LineStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

type StderrWrite = typeof process.stderr.write;

let active: StatusLine | null = null;
let originalStderrWrite: StderrWrite | null = null;
let stderrAtLineStart = true;

/**
 * Routes every stderr write through the active status line while one is shown: this thread's
 * log lines, worker threads' stderr (Node pipes it through process.stderr.write) and child
 * processes' stderr (the launcher copies it there) all pass here, so one place keeps the
 * terminal tidy: clear the status line, write the chunk, draw the status line again below it.
 */
function hookStderr(): void {
  if (originalStderrWrite) return;
  const original = process.stderr.write;
  originalStderrWrite = original;
  process.stderr.write = function (this: NodeJS.WriteStream, chunk: string | Uint8Array, ...rest: unknown[]): boolean {
    if (stderrAtLineStart) active?.clear();
    const result = (original as (...args: unknown[]) => boolean).call(process.stderr, chunk, ...rest);
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.length > 0) stderrAtLineStart = text.endsWith('\n');
    if (stderrAtLineStart) active?.redraw();
    return result;
  } as StderrWrite;
}

function unhookStderr(): void {
  if (!originalStderrWrite) return;
  process.stderr.write = originalStderrWrite;
  originalStderrWrite = null;
}

/**
 * A line redrawn in place (a progress bar), which nothing else writes into: on a terminal, output
 * on stderr while it is shown appears above it. Off a terminal it is written as given.
 */
export class StatusLine {
  private text = '';
  private drawn = 0;

  constructor(private readonly stream: LineStream = process.stdout) {}

  /** Whether stderr output can land in this line: both on a terminal. */
  private get sharesTerminal(): boolean {
    return Boolean(this.stream.isTTY) && Boolean(process.stderr.isTTY);
  }

  /** Replaces the line's text (padding over a longer previous text). */
  show(text: string): void {
    const pad = Math.max(this.drawn - text.length, 0);
    this.stream.write(`\r${text}${' '.repeat(pad)}`);
    this.text = text;
    this.drawn = text.length;
    if (this.sharesTerminal && active !== this) {
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- the one line on screen that stderr output steps around
      active = this;
      hookStderr();
    }
  }

  /** Shows the final text and ends the line: it is no longer redrawn. */
  end(text: string): void {
    this.show(text);
    this.stream.write('\n');
    this.text = '';
    this.drawn = 0;
    if (active === this) {
      active = null;
      unhookStderr();
    }
  }

  /** Blanks the line and returns the cursor to its start (before other output). */
  clear(): void {
    if (this.drawn > 0) this.stream.write(`\r${' '.repeat(this.drawn)}\r`);
    this.drawn = 0;
  }

  /** Draws the text again (after other output). */
  redraw(): void {
    if (!this.text) return;
    this.stream.write(this.text);
    this.drawn = this.text.length;
  }
}
