import { initBackend, tf } from '@weft/tensor';
import type { RankContext } from '@weft/distributed';
import { StepClock } from './step-clock';
import { MODELS, type ThroughputModel } from './throughput-models';

export interface IndependentRunArgs {
  model: ThroughputModel;
  batch: number;
  /** Warm-up epochs of `steps` steps before the timed ones (the in-process baseline's count). */
  warmupEpochs: number;
  steps: number;
  timedEpochs: number;
}

/** What one independent run measured: each timed epoch's steady-state seconds. */
export interface IndependentRunTiming {
  epochSeconds: number[];
}

/**
 * One of N independent runs of the throughput bench's ceiling: the in-process training of the
 * baseline, in a worker thread or process of its own, started together with the others (a
 * barrier) and exchanging nothing. N of them at once train as fast as the cores, caches and
 * memory bandwidth let N replicas train: the most data-parallel training could reach here.
 */
export async function main(ctx: RankContext<IndependentRunArgs>): Promise<IndependentRunTiming> {
  const { model: name, batch, warmupEpochs, steps, timedEpochs } = ctx.args;
  await initBackend('wasm');
  const spec = MODELS[name];
  const [x, y] = spec.data(steps * batch, 7 + ctx.rank);
  const model = spec.build();
  const clock = new StepClock(steps, { epochs: warmupEpochs }, timedEpochs);
  const group = await ctx.createGroup();
  try {
    await group.barrier();
    await model.fit(x, y, { batchSize: batch, epochs: clock.epochs, shuffle: false, verbose: 0, callbacks: [clock] });
    return { epochSeconds: clock.epochSeconds() };
  } finally {
    tf.dispose([x, y]);
    model.dispose?.();
    group.destroy();
  }
}
