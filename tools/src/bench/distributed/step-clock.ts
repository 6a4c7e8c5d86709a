import { Callback, type Logs } from '@weft/layers';
import { threadCpuSeconds } from '@weft/tensor';

/**
 * How long a run warms up before its timed epochs: a fixed number of epochs, or as many epochs as
 * it takes to pass `seconds` of training and `minSteps` steps (the in-process baseline, which then
 * sets the epochs for the model's other runs, so that every run warms up for as many steps).
 */
export type WarmupPlan = { epochs: number } | { seconds: number; minSteps: number };

/**
 * Times onBatchEnd on the coordinator over epochs of `stepsPerEpoch` steps: warm-up epochs, then
 * `timedEpochs` timed ones, after which it stops the fit. Asks for no batch logs (they cost a
 * collective).
 */
export class StepClock extends Callback {
  readonly batchEnds: number[] = [];
  epochBegin: number | null = null;
  /** The first timed epoch, once the warm-up is over. */
  private firstTimed: number | null = null;
  /** This thread's CPU seconds and the wall clock (ms) where the timed epochs begin and end. */
  private timedFrom: { cpu: number; wall: number } | null = null;
  private timedTo: { cpu: number; wall: number } | null = null;

  constructor(
    private readonly stepsPerEpoch: number,
    private readonly warmup: WarmupPlan,
    private readonly timedEpochs = 1,
  ) {
    super();
    if ('epochs' in warmup && (!Number.isInteger(warmup.epochs) || warmup.epochs < 1)) {
      throw new Error(`throughput bench: at least one warm-up epoch is needed. Received: ${warmup.epochs}`);
    }
    if (!Number.isInteger(timedEpochs) || timedEpochs < 1) throw new Error(`throughput bench: at least one timed epoch is needed. Received: ${timedEpochs}`);
  }

  /** Epochs fit needs: the plan's warm-up plus the timed ones, or a cap the clock stops short of. */
  get epochs(): number {
    return 'epochs' in this.warmup ? this.warmup.epochs + this.timedEpochs : 1_000_000;
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
    if (this.firstTimed === null) {
      if (this.warmedUp(epoch)) {
        this.firstTimed = epoch + 1;
        this.timedFrom = { cpu: threadCpuSeconds(), wall: performance.now() };
      }
    } else if (epoch + 1 >= this.firstTimed + this.timedEpochs) {
      this.timedTo = { cpu: threadCpuSeconds(), wall: performance.now() };
      this.requireModel().stopTraining = true;
    }
  }

  /**
   * The CPU this thread spent over the timed epochs, as a share of one core (0.02: 2%). On a
   * data-parallel fit's coordinator, what it takes from the cores the ranks train on.
   */
  cpuShareWhileTimed(): number {
    if (!this.timedFrom || !this.timedTo) throw new Error('throughput bench: the run ended before its timed epochs did');
    return (this.timedTo.cpu - this.timedFrom.cpu) / ((this.timedTo.wall - this.timedFrom.wall) / 1000);
  }

  private warmedUp(epoch: number): boolean {
    if ('epochs' in this.warmup) return epoch + 1 >= this.warmup.epochs;
    const { seconds, minSteps } = this.warmup;
    return this.batchEnds.length >= minSteps && performance.now() - (this.epochBegin ?? 0) >= seconds * 1000;
  }

  /** Warm-up epochs the run trained before its timed epochs. */
  get warmupEpochs(): number {
    if (this.firstTimed === null) throw new Error('throughput bench: the run ended before its warm-up did');
    return this.firstTimed;
  }

  get warmupSteps(): number {
    return this.warmupEpochs * this.stepsPerEpoch;
  }

  /** Each timed epoch's seconds: from the previous epoch's last step's end to its own last step's end. */
  epochSeconds(): number[] {
    const ends = this.batchEnds;
    const expected = this.warmupSteps + this.timedEpochs * this.stepsPerEpoch;
    if (ends.length !== expected) throw new Error(`throughput bench: expected ${expected} batch ends, saw ${ends.length}`);
    return Array.from({ length: this.timedEpochs }, (_, k) => {
      const last = this.warmupSteps + (k + 1) * this.stepsPerEpoch - 1;
      return (ends[last] - ends[last - this.stepsPerEpoch]) / 1000;
    });
  }
}
