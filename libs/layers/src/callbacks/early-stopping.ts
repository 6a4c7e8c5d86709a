import type * as tf from '@tensorflow/tfjs-core';
import { Callback, type Logs } from './callback';
import { isImprovement, resolveMode } from './monitor';

export interface EarlyStoppingArgs {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  verbose?: 0 | 1;
  mode?: 'auto' | 'min' | 'max';
  /** Training stops unless the monitored value gets better than this. */
  baseline?: number | null;
  /** Put back the weights of the best epoch when training ends. */
  restoreBestWeights?: boolean;
  /** Epochs to wait before counting patience (warm-up). */
  startFromEpoch?: number;
}

/** Stops training when the monitored value has not improved for `patience` epochs. */
export class EarlyStopping extends Callback {
  /** Only to keep the best weights. */
  override get readsWeights(): boolean {
    return this.restoreBestWeights;
  }

  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: 'min' | 'max';
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  wait = 0;
  stoppedEpoch = 0;
  best = Infinity;
  bestEpoch = 0;
  private bestWeights: tf.Tensor[] | null = null;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    this.monitor = args.monitor ?? 'val_loss';
    this.minDelta = Math.abs(args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) {
      throw new Error(`EarlyStopping: \`patience\` must be a non-negative integer. Received: patience=${args.patience}`);
    }
    this.verbose = args.verbose ?? 0;
    this.mode = resolveMode(args.mode ?? 'auto', this.monitor, 'EarlyStopping');
    this.baseline = args.baseline ?? null;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.startFromEpoch = args.startFromEpoch ?? 0;
  }

  private releaseBest(): void {
    if (this.bestWeights) for (const t of this.bestWeights) t.dispose();
    this.bestWeights = null;
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.bestEpoch = 0;
    this.releaseBest();
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      throw new Error(`EarlyStopping monitors '${this.monitor}', which is not in the logs. Available: ${Object.keys(logs).join(', ')}`);
    }
    if (epoch < this.startFromEpoch) return;
    const model = this.requireModel();
    if (this.restoreBestWeights && !this.bestWeights) this.bestWeights = model.getWeights();
    this.wait += 1;
    if (isImprovement(current, this.best, this.mode, this.minDelta)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) {
        this.releaseBest();
        this.bestWeights = model.getWeights();
      }
      if (this.baseline === null || isImprovement(current, this.baseline, this.mode, this.minDelta)) {
        this.wait = 0;
        return;
      }
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights) {
      if (this.verbose > 0) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.requireModel().setWeights(this.bestWeights);
    }
    this.releaseBest();
  }
}
