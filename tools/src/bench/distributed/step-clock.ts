import { Callback, type Logs } from '@weft/layers';

/** Times onBatchEnd on the coordinator, and the first epoch's start; asks for no batch logs (they cost a collective). */
export class StepClock extends Callback {
  readonly batchEnds: number[] = [];
  epochBegin: number | null = null;

  override get wantsBatchLogs(): boolean {
    return false;
  }
  override onEpochBegin(): void {
    this.epochBegin ??= performance.now();
  }
  override onBatchEnd(_batch: number, _logs?: Logs): void {
    this.batchEnds.push(performance.now());
  }

  /** Seconds from the end of the last warm-up step to the end of the last step. */
  steadySeconds(warmupSteps: number, steps: number): number {
    const ends = this.batchEnds;
    if (ends.length !== warmupSteps + steps) throw new Error(`throughput bench: expected ${warmupSteps + steps} batch ends, saw ${ends.length}`);
    return (ends[ends.length - 1] - ends[warmupSteps - 1]) / 1000;
  }
}
