import { Callback, type Logs } from './callback';

/** Stops training as soon as a batch's loss is NaN or infinite, saying which batch. */
export class TerminateOnNaN extends Callback {
  override get readsWeights(): boolean {
    return false;
  }

  /** The message of the stop, once it happened. */
  message: string | null = null;

  constructor(private readonly print: (line: string) => void = (line) => console.log(line)) {
    super();
  }

  override onBatchEnd(batch: number, logs: Logs = {}): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      this.message = `Batch ${batch}: Invalid loss (${loss}), terminating training`;
      this.print(this.message);
      this.requireModel().stopTraining = true;
    }
  }
}
