import { Callback, type Logs } from './callback';

/** Records each epoch's logs: history.history.loss[i] is epoch i's loss. fit returns it. */
export class History extends Callback {
  override get readsWeights(): boolean {
    return false;
  }

  epoch: number[] = [];
  history: Record<string, number[]> = {};

  override onTrainBegin(): void {
    this.epoch = [];
    this.history = {};
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}
