import { logger } from '@weft/logging';
import type { CheckpointStore } from './checkpoint-store';
import type { ReplicaApi, StepsResult } from './fit-job';
import type { Replicas } from './replicas';
import type { TrainingCheckpoint } from './training-checkpoint';
import type { Remote } from 'comlink';

/** One recovery of a fit: what failed, where, and how long until new ranks were training again. */
export interface RestartRecord {
  /** The failure, as fit would have rejected with it. */
  cause: string;
  /** The last step rank 0 finished before the failure (epoch and step, 0-based; step -1: none of that epoch). */
  failedAt: { epoch: number; step: number };
  /** The checkpoint the new ranks resumed from (its first step to train). */
  resumedAt: { epoch: number; step: number };
  /** From the failure heard to new ranks ready at the checkpoint, in ms (stopping the old ones included). */
  recoveryMs: number;
}

export interface ElasticOptions {
  /** Restarts allowed over the fit (torchrun's max_restarts); 0: a failure fails the fit with its own error. */
  maxRestarts: number;
  /** Steps between checkpoints within an epoch (also at every epoch's end); null: no checkpoints (maxRestarts 0, no checkpointDir). */
  checkpointEverySteps: number | null;
  stepsPerEpoch: number;
  /** Holds the starting point as its latest checkpoint. */
  store: CheckpointStore;
  /** Starts ranks from a checkpoint (its state, its learning rate). */
  start(from: TrainingCheckpoint): Promise<Replicas>;
}

/**
 * The ranks of a fit, restarted from the last checkpoint when one fails (torchrun's elastic
 * restarts): the coordinator trains each epoch in step ranges between checkpoints; when a range
 * fails (a rank killed, crashed, threw, or stalled past the collectives' timeout), every rank is
 * stopped, new ones start from the checkpoint's state and data position, and the epoch goes on
 * from the checkpoint's step, up to maxRestarts times.
 */
export class ElasticRanks {
  readonly restarts: RestartRecord[] = [];
  private replicas: Replicas | null = null;
  private readonly failures: string[] = [];
  /** The last step rank 0 reported (for the records). */
  private reached = { epoch: 0, step: -1 };
  private readonly origin: number;

  constructor(private readonly options: ElasticOptions) {
    const first = options.store.latest;
    this.origin = first.globalStep - first.epoch * options.stepsPerEpoch - first.step;
  }

  /** Starts the ranks from the latest checkpoint (a failure to start counts as a failure). */
  async start(): Promise<void> {
    try {
      this.replicas = await this.options.start(this.options.store.latest);
    } catch (err) {
      await this.recover(err);
    }
  }

  /** Rank 0 finished `step` of `epoch`. */
  reachedStep(epoch: number, step: number): void {
    this.reached = { epoch, step };
  }

  /**
   * Trains `epoch` (from the checkpoint's step when the checkpoint is inside it) and returns its
   * end as the ranks report it; checkpoints every checkpointEverySteps steps on the way.
   */
  /** Trains an epoch; at its end rank 0's state comes back when `withState` (always when checkpointing). */
  async fitEpoch(epoch: number, learningRate: () => number | null, withState: boolean): Promise<StepsResult> {
    const steps = this.options.stepsPerEpoch;
    let { from, metricState } = this.resumePoint(epoch);
    for (;;) {
      const to = this.rangeEnd(from);
      const checkpoint = this.options.checkpointEverySteps !== null && to < steps;
      const range = { epoch, from, to, globalStep: this.globalStep(epoch, from), metricState, checkpoint, state: withState || this.options.checkpointEverySteps !== null };
      let first: StepsResult;
      try {
        [first] = await this.all((replica) => replica.fitSteps(range));
      } catch (err) {
        await this.recover(err);
        ({ from, metricState } = this.resumePoint(epoch));
        continue;
      }
      if (to === steps) return first;
      if (checkpoint) this.save({ epoch, step: to, learningRate: learningRate(), metricState: first.metricState, state: first.state! });
      from = to;
      metricState = null;
    }
  }

  /** After an epoch's end: checkpoints its state (training resumes at the next epoch's start) when checkpointing. */
  epochEnded(epoch: number, result: StepsResult, learningRate: number | null): void {
    if (this.options.checkpointEverySteps === null) return;
    this.save({ epoch: epoch + 1, step: 0, learningRate, metricState: null, state: result.state! });
  }

  /** Calls every rank (not a training step: a failure restarts the ranks at the checkpoint, and the call is not repeated). */
  async call<T>(call: (replica: Remote<ReplicaApi>, rank: number) => Promise<T>): Promise<T[] | null> {
    try {
      return await this.all(call);
    } catch (err) {
      await this.recover(err);
      return null;
    }
  }

  /** Stops the ranks; waits for them to be gone. */
  async close(): Promise<void> {
    const replicas = this.replicas;
    this.replicas = null;
    await replicas?.close();
  }

  private all<T>(call: (replica: Remote<ReplicaApi>, rank: number) => Promise<T>): Promise<T[]> {
    if (!this.replicas) throw new Error('DataParallel: the ranks are not running');
    return this.replicas.all(call);
  }

  /** Where `epoch` starts: at the latest checkpoint's step when it is inside this epoch, with the metric state summed so far. */
  private resumePoint(epoch: number): { from: number; metricState: number[] | null } {
    const at = this.options.store.latest;
    return at.epoch === epoch && at.step > 0 ? { from: at.step, metricState: at.metricState } : { from: 0, metricState: null };
  }

  private rangeEnd(from: number): number {
    const every = this.options.checkpointEverySteps;
    const steps = this.options.stepsPerEpoch;
    return every === null ? steps : Math.min(steps, (Math.floor(from / every) + 1) * every);
  }

  private globalStep(epoch: number, step: number): number {
    return this.origin + epoch * this.options.stepsPerEpoch + step;
  }

  /** A checkpoint of the same model and data order as the starting point's. */
  private save(at: Pick<TrainingCheckpoint, 'epoch' | 'step' | 'learningRate' | 'metricState' | 'state'>): void {
    const { fingerprint, order } = this.options.store.latest;
    this.options.store.save({ fingerprint, order, ...at, globalStep: this.globalStep(at.epoch, at.step) });
  }

  /**
   * A failure: stops every rank, then (restarts left) starts new ones from the latest checkpoint,
   * again while starting fails; else rejects, with maxRestarts 0 the failure's own error (and
   * where the checkpoint is, when there is one on disk).
   */
  private async recover(failure: unknown): Promise<void> {
    const heard = Date.now();
    await this.close();
    const { maxRestarts, store } = this.options;
    if (maxRestarts === 0) {
      if (!store.path) throw failure;
      throw new Error(`${failure instanceof Error ? failure.message : String(failure)}\n${await this.lastCheckpoint()}`);
    }
    let cause = failure instanceof Error ? failure.message : String(failure);
    for (;;) {
      this.failures.push(cause);
      if (this.failures.length > maxRestarts) {
        const failures = this.failures.map((f, i) => `  ${i + 1}. ${f}`).join('\n');
        throw new Error(`DataParallel: the ranks failed ${this.failures.length} times, more than maxRestarts (${maxRestarts}) allows:\n${failures}\n${await this.lastCheckpoint()}`);
      }
      const at = store.latest;
      const where = `epoch ${at.epoch + 1}, step ${at.step + 1}`;
      logger.warn({ cause, restart: this.failures.length, maxRestarts, resumeAt: { epoch: at.epoch, step: at.step } }, `DataParallel: restarting every rank from the checkpoint at ${where} after: ${cause}`);
      try {
        this.replicas = await this.options.start(at);
      } catch (err) {
        await this.close();
        cause = err instanceof Error ? err.message : String(err);
        continue;
      }
      const recoveryMs = Date.now() - heard;
      this.restarts.push({ cause, failedAt: this.reached, resumedAt: { epoch: at.epoch, step: at.step }, recoveryMs });
      logger.warn({ restart: this.failures.length, recoveryMs }, `DataParallel: ranks restarted in ${recoveryMs} ms; training resumes at ${where}`);
      return;
    }
  }

  /** Where the run can resume from, once the write in progress (if any) is done. */
  private async lastCheckpoint(): Promise<string> {
    const { store } = this.options;
    await store.flush().catch(() => undefined); // the checkpoint named is whole on disk
    const at = store.latest;
    const kept = store.path
      ? `is ${store.path}: fit again with the same checkpointDir to resume from it`
      : 'was kept in memory only: pass checkpointDir to keep it on disk';
    return `The last checkpoint (resuming at epoch ${at.epoch + 1}, step ${at.step + 1}) ${kept}.`;
  }
}
