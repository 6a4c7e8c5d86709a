import type * as tf from '@tensorflow/tfjs-core';
import type { Optimizer } from '../optimizers/optimizer';

export type Logs = Record<string, number>;

/**
 * The model being trained, as callbacks see it (models/model.ts's Model implements it). Callbacks
 * do not import Model: imports run one way, models -> training -> callbacks.
 */
export interface CallbackModel {
  readonly name: string;
  /** Set to true to end fit after the current batch. */
  stopTraining: boolean;
  readonly compiled: { readonly optimizer: Optimizer } | null;
  /** Copies of the weight values; the caller disposes them. */
  getWeights(): tf.Tensor[];
  setWeights(values: tf.Tensor[]): void;
  /** Saves the whole model to a directory (Model.save). */
  save(dir: string): Promise<void>;
  /** Saves the weights to one file (Model.saveWeights). */
  saveWeights(file: string): Promise<void>;
}

/** What fit tells callbacks about the run. */
export interface TrainingParams {
  epochs: number;
  /** Batches per epoch; null while unknown (the first epoch over a dataset of unknown length). */
  steps: number | null;
  verbose: number;
  /** Names of the logged values, e.g. ['loss', 'accuracy', 'val_loss', 'val_accuracy']. */
  metrics: string[];
}

/**
 * Base class of callbacks: override the hooks you need. Hooks may be async; fit awaits them.
 * `this.model` is the model being trained (set model.stopTraining = true to stop).
 */
export abstract class Callback {
  model: CallbackModel | null = null;
  params: TrainingParams | null = null;

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  setParams(params: TrainingParams): void {
    this.params = params;
  }

  /**
   * Whether this callback reads the logs passed to onBatchEnd. fit reads the loss back from the
   * device for a batch only when some callback does (by default: those that override onBatchEnd).
   */
  get wantsBatchLogs(): boolean {
    return this.onBatchEnd !== Callback.prototype.onBatchEnd;
  }

  /**
   * Whether this callback reads the model's weights during fit (saving it, keeping the best
   * weights). Under DataParallel the weights live on the workers; the caller's model is brought up
   * to date at each epoch's end only when some callback does, else once when fit ends. True unless
   * a callback says otherwise: one's own callback may read them.
   */
  get readsWeights(): boolean {
    return true;
  }

  onTrainBegin(_logs?: Logs): void | Promise<void> {}
  onTrainEnd(_logs?: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  onBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
  onTestBegin(_logs?: Logs): void | Promise<void> {}
  onTestEnd(_logs?: Logs): void | Promise<void> {}

  /** The model, or an error naming the callback when it is used outside fit. */
  protected requireModel(): CallbackModel {
    if (!this.model) throw new Error(`${this.constructor.name} is not attached to a model: pass it to fit({callbacks}).`);
    return this.model;
  }
}

/** Calls every callback's hook in order. */
export class CallbackList {
  constructor(readonly callbacks: Callback[]) {}

  setModel(model: CallbackModel): void {
    for (const c of this.callbacks) c.setModel(model);
  }

  setParams(params: TrainingParams): void {
    for (const c of this.callbacks) c.setParams(params);
  }

  get wantsBatchLogs(): boolean {
    return this.callbacks.some((c) => c.wantsBatchLogs);
  }

  async onTrainBegin(logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onTrainBegin(logs);
  }

  async onTrainEnd(logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onTrainEnd(logs);
  }

  async onEpochBegin(epoch: number, logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochBegin(epoch, logs);
  }

  async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochEnd(epoch, logs);
  }

  async onBatchBegin(batch: number, logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onBatchBegin(batch, logs);
  }

  async onBatchEnd(batch: number, logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onBatchEnd(batch, logs);
  }

  async onTestBegin(logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onTestBegin(logs);
  }

  async onTestEnd(logs?: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onTestEnd(logs);
  }
}
