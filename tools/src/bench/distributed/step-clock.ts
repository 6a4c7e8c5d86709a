import { Callback, type Logs } from '@weft/layers';

/**
 * How long a run warms up before its timed epoch: a fixed number of epochs, or as many epochs as
 * it takes to pass `seconds` of training and `minSteps` steps (the in-process baseline, which then
 * sets the epochs for the model's other runs, so that every run warms up for as many steps).
 */
export type WarmupPlan = { epochs: number } | { seconds: number; minSteps: number };

/**
 * Times onBatchEnd on the coordinator over epochs of `stepsPerEpoch` steps: warm-up epochs, then
 * one timed epoch, after which it stops the fit. Asks for no batch logs (they cost a collective).
 */
export class StepClock extends Callback {
  readonly batchEnds: number[] = [];
  epochBegin: number | null = null;
  /** The epoch being timed, once the warm-up is over. */
  private timedEpoch: number | null = null;

  constructor(
    private readonly stepsPerEpoch: number,
    private readonly warmup: WarmupPlan,
  ) {
    super();
    if ('epochs' in warmup && (!Number.isInteger(warmup.epochs) || warmup.epochs < 1)) {
      throw new Error(`throughput bench: at least one warm-up epoch is needed. Received: ${warmup.epochs}`);
    }
  }

  /** Epochs fit needs: the plan's warm-up plus the timed one, or a cap the clock stops short of. */
  get epochs(): number {
    return 'epochs' in this.warmup ? this.warmup.epochs + 1 : 1_000_000;
  }

  override get wantsBatchLogs(): boolean {
    return false;
  }
  override get readsWeights(): boolean {
    return false;
  }
  override onEpochBegin(): void {
    this.epochBegin ??= performance.now();
  }
  override onBatchEnd(_batch: number, _logs?: Logs): void {
    this.batchEnds.push(performance.now());
  }
  override onEpochEnd(epoch: number): void {
    if (this.timedEpoch === null) {
      if (this.warmedUp(epoch)) this.timedEpoch = epoch + 1;
    } else if (epoch >= this.timedEpoch) {
      this.requireModel().stopTraining = true;
    }
  }

  private warmedUp(epoch: number): boolean {
    if ('epochs' in this.warmup) return epoch + 1 >= this.warmup.epochs;
    const { seconds, minSteps } = this.warmup;
    return this.batchEnds.length >= minSteps && performance.now() - (this.epochBegin ?? 0) >= seconds * 1000;
  }

  /** Warm-up epochs the run trained before its timed epoch. */
  get warmupEpochs(): number {
    if (this.timedEpoch === null) throw new Error('throughput bench: the run ended before its warm-up did');
    return this.timedEpoch;
  }

  get warmupSteps(): number {
    return this.warmupEpochs * this.stepsPerEpoch;
  }

  /** Seconds from the end of the last warm-up step to the end of the timed epoch's last step. */
  steadySeconds(): number {
    const ends = this.batchEnds;
    const last = this.warmupSteps + this.stepsPerEpoch;
    if (ends.length !== last) throw new Error(`throughput bench: expected ${last} batch ends, saw ${ends.length}`);
    return (ends[last - 1] - ends[this.warmupSteps - 1]) / 1000;
  }
}
