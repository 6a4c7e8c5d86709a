import { initBackend, tf } from '@weft/tensor';
import { Trainer, optimizers, type GradientHook } from '@weft/layers';
import { DEFAULT_BUCKET_CAP_BYTES, overlappedGradientHook, type RankContext } from '@weft/distributed';
import { MODELS, type ThroughputModel } from './throughput-models';

export interface SparseBenchArgs {
  model: ThroughputModel;
  /** Replaces the model's optimizer (its loss is binary cross-entropy), e.g. 'sgd'; null keeps Adam. */
  optimizer: string | null;
  batch: number;
  warmupSteps: number;
  steps: number;
  rounds: number;
}

/** Rank 0's timed steps of one exchange mode, over all rounds. */
export interface SparseBenchTimings {
  sparse: boolean;
  stepMs: number[];
  /** Time in the gradient hook after a barrier: the exchange alone, not the wait for the slower rank. */
  exchangeMs: number[];
  /** Bytes this rank sent for the step's gradients (ProcessGroup.bytesSent). */
  bytes: number[];
  /** Rows of the embedding gradient the exchange declared (-1: it went dense). */
  touchedRows: number[];
}

const now = () => performance.now();

/**
 * One rank of the sparse-exchange bench: trains its own data through two trainers on one model,
 * one whose gradient hook exchanges the embedding's touched rows and one that all-reduces it
 * densely, in interleaved rounds (a burst of other work on the host lands on both alike).
 */
export async function main(ctx: RankContext<SparseBenchArgs>): Promise<SparseBenchTimings[]> {
  const group = await ctx.createGroup();
  const { model: name, optimizer, batch, warmupSteps, steps, rounds } = ctx.args;
  try {
    await initBackend('wasm');
    const model = MODELS[name].build();
    if (optimizer) model.compile({ optimizer, loss: 'binaryCrossentropy' });
    const weights = model.trainableWeights;
    const table = weights.findIndex((w) => w.sparseGradient);
    const perMode = (warmupSteps + steps) * rounds;
    const [x, y] = MODELS[name].data(2 * perMode * batch, 7 + ctx.rank);
    const modes = [false, true].map((sparse) => {
      const timings: SparseBenchTimings = { sparse, stepMs: [], exchangeMs: [], bytes: [], touchedRows: [] };
      const hook = overlappedGradientHook(group, weights, {
        capBytes: DEFAULT_BUCKET_CAP_BYTES,
        timeoutMs: 120_000,
        rows: () => ({ mine: batch, batch: batch * ctx.size }),
        sparseGradients: sparse,
      });
      const timed: GradientHook = async (grads) => {
        await group.barrier();
        const [start, before] = [now(), group.bytesSent];
        // The whole exchange after backward (not overlapped), so that it is timed alone.
        const out = await hook.finish(grads);
        timings.exchangeMs.push(now() - start);
        timings.bytes.push(group.bytesSent - before);
        timings.touchedRows.push(optimizers.touchedRowsOf(out[table])?.length ?? -1);
        return out;
      };
      return { timings, trainer: new Trainer(model, timed) };
    });
    let next = 0;
    for (let round = 0; round < rounds; round++) {
      for (const { timings, trainer } of modes) {
        await group.barrier();
        for (let step = 0; step < warmupSteps + steps; step++, next++) {
          const rows = [next * batch, batch] as const;
          const xs = [tf.slice(x, [rows[0], 0], [rows[1], -1])];
          const ys = [tf.slice(y, [rows[0], 0], [rows[1], -1])];
          const start = now();
          await trainer.trainStep({ xs, ys });
          if (step < warmupSteps) for (const list of [timings.exchangeMs, timings.bytes, timings.touchedRows]) list.pop();
          else timings.stepMs.push(now() - start);
          tf.dispose([...xs, ...ys]);
        }
      }
    }
    return modes.map((m) => m.timings);
  } finally {
    group.destroy();
  }
}
