import { Callback, type Logs } from './callback';
import { isImprovement, resolveMode } from './monitor';

export interface ModelCheckpointArgs {
  /** Where to save; may contain {epoch}, {epoch:02d}, {val_loss:.2f} style fields. */
  filepath: string;
  monitor?: string;
  verbose?: 0 | 1;
  /** Save only when the monitored value improves (the last best save is kept otherwise). */
  saveBestOnly?: boolean;
  /** Save the weights file only (model.saveWeights) instead of the whole model directory (model.save). */
  saveWeightsOnly?: boolean;
  mode?: 'auto' | 'min' | 'max';
}

/** Fills {name} / {name:02d} / {name:.4f} fields from the epoch (1-based) and logs. */
export function formatFilepath(template: string, epoch: number, logs: Logs): string {
  return template.replace(/\{(\w+)(?::([^}]*))?\}/g, (whole, key: string, spec?: string) => {
    const value = key === 'epoch' ? epoch + 1 : logs[key];
    if (value === undefined) throw new Error(`ModelCheckpoint filepath field {${key}} is not in the logs. Available: epoch, ${Object.keys(logs).join(', ')}`);
    if (!spec) return String(value);
    const fixed = /^\.(\d+)f$/.exec(spec);
    if (fixed) return value.toFixed(Number(fixed[1]));
    const padded = /^0(\d+)d$/.exec(spec);
    if (padded) return String(Math.round(value)).padStart(Number(padded[1]), '0');
    throw new Error(`ModelCheckpoint: unsupported format '${whole}' (use {key}, {key:02d} or {key:.4f}).`);
  });
}

/**
 * Saves the model (or its weights) at the end of each epoch, or only when the monitored value
 * improves. Every save is atomic (temporary file, fsync, rename), so the last good checkpoint is
 * never overwritten in place.
 */
export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly verbose: number;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly mode: 'min' | 'max';
  best: number;
  /** Paths written, in order. */
  readonly saved: string[] = [];

  constructor(args: ModelCheckpointArgs) {
    super();
    if (!args || typeof args.filepath !== 'string' || args.filepath.length === 0) {
      throw new Error(`ModelCheckpoint needs a \`filepath\`. Received: filepath=${JSON.stringify(args?.filepath)}`);
    }
    this.filepath = args.filepath;
    this.monitor = args.monitor ?? 'val_loss';
    this.verbose = args.verbose ?? 0;
    this.saveBestOnly = args.saveBestOnly ?? false;
    this.saveWeightsOnly = args.saveWeightsOnly ?? false;
    this.mode = resolveMode(args.mode ?? 'auto', this.monitor, 'ModelCheckpoint');
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const model = this.requireModel();
    const file = formatFilepath(this.filepath, epoch, logs);
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        throw new Error(`ModelCheckpoint monitors '${this.monitor}', which is not in the logs. Available: ${Object.keys(logs).join(', ')}`);
      }
      if (!isImprovement(current, this.best, this.mode, 0)) {
        if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: ${this.monitor} did not improve from ${this.best}`);
        return;
      }
      if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: ${this.monitor} improved from ${this.best} to ${current}, saving model to ${file}`);
      this.best = current;
    }
    if (this.saveWeightsOnly) await model.saveWeights(file);
    else await model.save(file);
    this.saved.push(file);
  }
}
