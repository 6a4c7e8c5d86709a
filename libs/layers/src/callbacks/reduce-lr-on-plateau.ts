import { Callback, type Logs } from './callback';
import { isImprovement, resolveMode } from './monitor';

export interface ReduceLROnPlateauArgs {
  monitor?: string;
  /** new learning rate = old * factor (< 1). */
  factor?: number;
  patience?: number;
  verbose?: 0 | 1;
  mode?: 'auto' | 'min' | 'max';
  minDelta?: number;
  /** Epochs to wait after a reduction before counting patience again. */
  cooldown?: number;
  minLr?: number;
}

/** Multiplies the learning rate by `factor` when the monitored value stops improving for `patience` epochs. */
export class ReduceLROnPlateau extends Callback {
  override get readsWeights(): boolean {
    return false;
  }

  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  private wait = 0;
  private cooldownCounter = 0;
  private best = Infinity;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    this.monitor = args.monitor ?? 'val_loss';
    this.factor = args.factor ?? 0.1;
    if (!(this.factor < 1 && this.factor >= 0)) {
      throw new Error(`ReduceLROnPlateau does not support a factor >= 1. Received: factor=${args.factor}`);
    }
    this.patience = args.patience ?? 10;
    this.verbose = args.verbose ?? 0;
    this.mode = resolveMode(args.mode ?? 'auto', this.monitor, 'ReduceLROnPlateau');
    this.minDelta = args.minDelta ?? 1e-4;
    this.cooldown = args.cooldown ?? 0;
    this.minLr = args.minLr ?? 0;
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.cooldownCounter = 0;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const optimizer = this.requireModel().compiled?.optimizer;
    if (!optimizer) throw new Error('ReduceLROnPlateau needs a compiled model.');
    if (typeof optimizer.learningRate !== 'number') {
      throw new Error('ReduceLROnPlateau cannot change a learning-rate schedule: compile with a number as learningRate.');
    }
    logs.learning_rate = optimizer.learningRate;
    const current = logs[this.monitor];
    if (current === undefined) {
      throw new Error(`ReduceLROnPlateau monitors '${this.monitor}', which is not in the logs. Available: ${Object.keys(logs).join(', ')}`);
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (isImprovement(current, this.best, this.mode, this.minDelta)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter <= 0) {
      this.wait += 1;
      if (this.wait >= this.patience && optimizer.learningRate > this.minLr) {
        const next = Math.max(optimizer.learningRate * this.factor, this.minLr);
        optimizer.learningRate = next;
        if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${next}.`);
        this.cooldownCounter = this.cooldown;
        this.wait = 0;
      }
    }
  }
}
