import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Callback, type Logs } from './callback';

export interface CSVLoggerArgs {
  filename: string;
  separator?: string;
  /** Append to an existing file instead of overwriting it. */
  append?: boolean;
}

/** Streams each epoch's logs to a CSV file: a header (epoch, then the log keys sorted), then one row per epoch. */
export class CSVLogger extends Callback {
  override get readsWeights(): boolean {
    return false;
  }

  readonly filename: string;
  readonly separator: string;
  readonly append: boolean;
  private keys: string[] | null = null;

  constructor(args: CSVLoggerArgs) {
    super();
    if (!args || typeof args.filename !== 'string' || !args.filename) {
      throw new Error(`CSVLogger needs a \`filename\`. Received: filename=${JSON.stringify(args?.filename)}`);
    }
    this.filename = args.filename;
    this.separator = args.separator ?? ',';
    this.append = args.append ?? false;
  }

  override async onTrainBegin(): Promise<void> {
    this.keys = null;
    await fs.mkdir(path.dirname(path.resolve(this.filename)), { recursive: true });
    if (this.append) {
      try {
        const existing = await fs.readFile(this.filename, 'utf8');
        const header = existing.split('\n')[0];
        if (header) this.keys = header.split(this.separator).slice(1);
      } catch {
        // no file yet: a header is written with the first row
      }
    } else {
      await fs.writeFile(this.filename, '');
    }
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    let text = '';
    if (!this.keys) {
      this.keys = Object.keys(logs).sort();
      text += ['epoch', ...this.keys].join(this.separator) + '\n';
    }
    text += [String(epoch), ...this.keys.map((k) => (logs[k] === undefined ? '' : String(logs[k])))].join(this.separator) + '\n';
    await fs.appendFile(this.filename, text);
  }
}
