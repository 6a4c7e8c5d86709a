import { StatusLine } from '@weft/logging';
import { Callback, type Logs } from './callback';

export interface ProgbarLoggerArgs {
  /** 1: a progress bar (one line per epoch when not a TTY); 2: one line per epoch. */
  verbose?: 1 | 2;
  /** Where to write; default process.stdout. In-place updates only when it is a TTY. */
  stream?: { write(text: string): unknown; isTTY?: boolean };
  /** Minimum seconds between in-place updates. */
  interval?: number;
}

const BAR_WIDTH = 30;

/** Keras's number format in logs: 4 decimals, scientific below 1e-3. */
export function formatLogValue(v: number): string {
  return Math.abs(v) > 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4);
}

function formatDuration(seconds: number): string {
  return seconds >= 1 ? `${Math.round(seconds)}s` : `${Math.round(seconds * 1000)}ms`;
}

function formatPerStep(seconds: number): string {
  if (seconds >= 1) return `${Math.round(seconds)}s/step`;
  if (seconds >= 1e-3) return `${Math.round(seconds * 1000)}ms/step`;
  return `${Math.round(seconds * 1e6)}us/step`;
}

/**
 * Keras's progress output: "Epoch 3/15", then
 * "782/782 [==============================] - 12s 15ms/step - loss: 0.4100 - accuracy: 0.8100 - val_loss: ...",
 * updated in place on a TTY, one line per epoch otherwise (and with verbose 2).
 */
export class ProgbarLogger extends Callback {
  override get readsWeights(): boolean {
    return false;
  }

  private readonly verbose: 1 | 2;
  private readonly stream: { write(text: string): unknown; isTTY?: boolean };
  private readonly interval: number;
  private epochStart = 0;
  private lastUpdate = 0;
  private seen = 0;
  /** The in-place bar; log lines written to stderr meanwhile appear above it, never inside it. */
  private readonly bar: StatusLine;

  constructor(args: ProgbarLoggerArgs = {}) {
    super();
    this.verbose = args.verbose ?? 1;
    this.stream = args.stream ?? process.stdout;
    this.interval = args.interval ?? 0.05;
    this.bar = new StatusLine(this.stream);
  }

  private get inPlace(): boolean {
    return this.verbose === 1 && Boolean(this.stream.isTTY);
  }

  /** Batch logs matter only to the in-place bar; one line per epoch needs the epoch logs alone. */
  override get wantsBatchLogs(): boolean {
    return this.inPlace;
  }

  override onEpochBegin(epoch: number): void {
    this.stream.write(`Epoch ${epoch + 1}/${this.params?.epochs ?? '?'}\n`);
    this.epochStart = performance.now();
    this.lastUpdate = 0;
    this.seen = 0;
  }

  override onBatchEnd(batch: number, logs: Logs = {}): void {
    this.seen = batch + 1;
    if (!this.inPlace) return;
    const now = performance.now();
    const steps = this.params ? (this.params.steps ?? Infinity) : this.seen;
    if (this.seen < steps && now - this.lastUpdate < this.interval * 1000) return;
    this.lastUpdate = now;
    this.render(this.seen, logs, false);
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    this.render(this.seen, logs, true);
  }

  private render(step: number, logs: Logs, final: boolean): void {
    const known = this.params ? this.params.steps : step;
    const steps = known ?? step;
    const elapsed = (performance.now() - this.epochStart) / 1000;
    const counter = known === null ? `${step}/Unknown` : `${String(step).padStart(String(steps).length)}/${steps}`;
    const values = Object.entries(logs).map(([k, v]) => ` - ${k}: ${formatLogValue(v)}`).join('');
    let line: string;
    if (known === null) {
      // Keras's line for a dataset of unknown length: no bar, no ETA.
      line = `${counter} - ${formatDuration(elapsed)} ${formatPerStep(elapsed / Math.max(step, 1))}${values}`;
    } else if (this.verbose === 2) {
      line = `${counter} - ${formatDuration(elapsed)} - ${formatPerStep(elapsed / Math.max(step, 1))}${values}`;
    } else {
      const filled = Math.floor((BAR_WIDTH * step) / Math.max(steps, 1));
      const bar = step >= steps ? '='.repeat(BAR_WIDTH) : '='.repeat(Math.max(filled - 1, 0)) + '>' + '.'.repeat(BAR_WIDTH - Math.max(filled, 1));
      const timing = final || step >= steps
        ? `${formatDuration(elapsed)} ${formatPerStep(elapsed / Math.max(step, 1))}`
        : `ETA: ${formatDuration((elapsed / Math.max(step, 1)) * (steps - step))}`;
      line = `${counter} [${bar}] - ${timing}${values}`;
    }
    if (this.inPlace) {
      if (final) this.bar.end(line);
      else this.bar.show(line);
    } else {
      this.stream.write(`${line}\n`);
    }
  }
}
