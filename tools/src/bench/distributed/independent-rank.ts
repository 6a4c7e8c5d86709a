import { initBackend, tf } from '@weft/tensor';
import type { ProcessGroup, RankContext } from '@weft/distributed';
import { Callback } from '@weft/layers';
import { StepClock } from './step-clock';
import { MODELS, type ThroughputModel } from './throughput-models';

export interface IndependentRunArgs {
  model: ThroughputModel;
  batch: number;
  /** Warm-up epochs of `steps` steps before the timed ones (the in-process baseline's count). */
  warmupEpochs: number;
  steps: number;
  timedEpochs: number;
  /** Whether the runs wait for each other after every step (a barrier), as synchronous data-parallel ranks do. */
  lockstep: boolean;
}

/** What one independent run measured: each timed epoch's steady-state seconds, and the steps it waited for the others after. */
export interface IndependentRunTiming {
  epochSeconds: number[];
  lockstepBarriers: number;
}

/** Waits for every run at the end of each step: a step then takes as long as the slowest run's. */
class StepBarrier extends Callback {
  count = 0;
  constructor(private readonly group: ProcessGroup) {
    super();
  }
  override get wantsBatchLogs(): boolean {
    return false;
  }
  override get readsWeights(): boolean {
    return false;
  }
  override async onBatchEnd(): Promise<void> {
    await this.group.barrier();
    this.count++;
  }
}

/**
 * One of N independent runs of the throughput bench's ceiling: the in-process training of the
 * baseline, in a worker thread or process of its own, started together with the others (a
 * barrier) and exchanging nothing. N of them at once train as fast as the cores, caches and
 * memory bandwidth let N replicas train: the most data-parallel training could reach here.
 * In lockstep, each step also ends at a barrier, so that it lasts as long as the slowest run's
 * step, as in synchronous data-parallel training: its ceiling once steps vary in length.
 */
export async function main(ctx: RankContext<IndependentRunArgs>): Promise<IndependentRunTiming> {
  const { model: name, batch, warmupEpochs, steps, timedEpochs, lockstep } = ctx.args;
  await initBackend('wasm');
  const spec = MODELS[name];
  const [x, y] = spec.data(steps * batch, 7 + ctx.rank);
  const model = spec.build();
  const clock = new StepClock(steps, { epochs: warmupEpochs }, timedEpochs);
  const group = await ctx.createGroup();
  const stepBarrier = lockstep ? new StepBarrier(group) : null;
  try {
    await group.barrier();
    await model.fit(x, y, { batchSize: batch, epochs: clock.epochs, shuffle: false, verbose: 0, callbacks: stepBarrier ? [stepBarrier, clock] : [clock] });
    return { epochSeconds: clock.epochSeconds(), lockstepBarriers: stepBarrier?.count ?? 0 };
  } finally {
    tf.dispose([x, y]);
    model.dispose?.();
    group.destroy();
  }
}
