import { initBackend, tf } from '@weft/tensor';
import { Sequential, Trainer, layers, optimizers } from '@weft/layers';
import type { RankContext } from '../launch/rank-context';
import { overlappedGradientHook } from '../data-parallel/overlapped-reducer';

export interface HookReport {
  /** Bytes this rank sent for one step's gradients, with sparse gradients on and off. */
  bytes: { sparse: number; dense: number };
  /** Rows declared on the embedding gradient (-1: none declared). */
  declaredRows: number;
  /** Whether both hooks returned the same bits for every weight. */
  sameBits: boolean;
}

/** One rank's gradients of an Embedding(500 x 16) model, all-reduced by the hook with sparse gradients on, then off. */
export async function main(ctx: RankContext<Record<string, never>>): Promise<HookReport> {
  const group = await ctx.createGroup();
  try {
    await initBackend('wasm');
    const model = new Sequential();
    model.add(layers.embedding({ inputDim: 500, outputDim: 16, inputLength: 10 }));
    model.add(layers.globalAveragePooling1d());
    model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const batch = { xs: [tf.randomUniform([4, 10], 0, 500, 'int32', ctx.rank)], ys: [tf.ones([4, 1])] };
    const { grads } = new Trainer(model).computeGradients(batch);
    const weights = model.trainableWeights;
    const reduce = async (sparseGradients: boolean) => {
      const hook = overlappedGradientHook(group, weights, { capBytes: 1 << 20, timeoutMs: 10_000, rows: () => ({ mine: 4, batch: 8 }), sparseGradients });
      const before = group.bytesSent;
      const out = await hook.finish(grads);
      return { out, bytes: group.bytesSent - before };
    };
    const sparse = await reduce(true);
    const dense = await reduce(false);
    const bits = (ts: tf.Tensor[]) => ts.map((t) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer)).join());
    return {
      bytes: { sparse: sparse.bytes, dense: dense.bytes },
      declaredRows: optimizers.touchedRowsOf(sparse.out[0])?.length ?? -1,
      sameBits: bits(sparse.out).join() === bits(dense.out).join(),
    };
  } finally {
    group.destroy();
  }
}
