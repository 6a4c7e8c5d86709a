import { Callback, type Logs } from './callback';

type Hook<A extends unknown[]> = (...args: A) => void | Promise<void>;

export interface LambdaCallbackArgs {
  onTrainBegin?: Hook<[Logs?]>;
  onTrainEnd?: Hook<[Logs?]>;
  onEpochBegin?: Hook<[number, Logs?]>;
  onEpochEnd?: Hook<[number, Logs?]>;
  onBatchBegin?: Hook<[number, Logs?]>;
  onBatchEnd?: Hook<[number, Logs?]>;
}

/** A callback from plain functions, e.g. new LambdaCallback({onEpochEnd: (epoch, logs) => ...}). */
export class LambdaCallback extends Callback {
  constructor(private readonly hooks: LambdaCallbackArgs) {
    super();
  }

  override onTrainBegin(logs?: Logs) {
    return this.hooks.onTrainBegin?.(logs);
  }

  override onTrainEnd(logs?: Logs) {
    return this.hooks.onTrainEnd?.(logs);
  }

  override onEpochBegin(epoch: number, logs?: Logs) {
    return this.hooks.onEpochBegin?.(epoch, logs);
  }

  override onEpochEnd(epoch: number, logs?: Logs) {
    return this.hooks.onEpochEnd?.(epoch, logs);
  }

  override onBatchBegin(batch: number, logs?: Logs) {
    return this.hooks.onBatchBegin?.(batch, logs);
  }

  override onBatchEnd(batch: number, logs?: Logs) {
    return this.hooks.onBatchEnd?.(batch, logs);
  }
}
