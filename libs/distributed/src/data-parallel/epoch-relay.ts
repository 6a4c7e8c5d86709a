import { applyModelSpec, type CallbackList, type Model } from '@weft/layers';
import type { CoordinatorMessage, RankMessage } from './fit-job';

/**
 * The coordinator's end of a data-parallel fit: runs the user's callbacks, in order, on what rank
 * 0 streams (epoch starts, batch logs, epoch logs with its weights, written into the caller's
 * model first so that checkpoints and restoreBestWeights see them) and answers each epoch's end
 * with whether to stop and the learning rate to go on with.
 * A callback that throws stops the workers (at the epoch's end); the first failure a rank reports is kept.
 */
export class EpochRelay {
  /** A callback's error, or the failure a rank reported first. */
  failure: Error | null = null;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly model: Model,
    private readonly callbacks: CallbackList,
  ) {}

  /** The launcher's onMessage. */
  readonly onMessage = (_rank: number, message: unknown, reply: (message: CoordinatorMessage) => void): void => {
    const m = message as RankMessage;
    if (m.kind === 'failed') {
      this.failure ??= new Error(`DataParallel: ${m.message}`);
      return;
    }
    this.queue = this.queue.then(async () => {
      if (this.failure) {
        if (m.kind === 'epochEnd') reply({ kind: 'abort', reason: `the coordinator stopped the run: ${this.failure.message}` });
        return;
      }
      try {
        await this.handle(m, reply);
      } catch (err) {
        this.failure = err instanceof Error ? err : new Error(String(err));
        if (m.kind === 'epochEnd') reply({ kind: 'abort', reason: `a callback failed on the coordinator: ${this.failure.message}` });
      }
    });
  };

  /** Resolves once every message so far has been handled. */
  settled(): Promise<void> {
    return this.queue;
  }

  private async handle(m: Exclude<RankMessage, { kind: 'failed' }>, reply: (message: CoordinatorMessage) => void): Promise<void> {
    if (m.kind === 'epochBegin') {
      await this.callbacks.onEpochBegin(m.epoch);
      return;
    }
    if (m.kind === 'batchEnd') {
      await this.callbacks.onBatchBegin(m.step, { batch: m.step, size: m.size });
      await this.callbacks.onBatchEnd(m.step, m.logs);
      return;
    }
    applyModelSpec(this.model, m.state);
    await this.callbacks.onEpochEnd(m.epoch, m.logs);
    const learningRate = this.model.compiled?.optimizer.learningRate;
    reply({ kind: 'continue', stop: this.model.stopTraining, learningRate: typeof learningRate === 'number' ? learningRate : null });
  }
}
