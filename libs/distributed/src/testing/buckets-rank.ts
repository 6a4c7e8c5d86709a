import { initBackend, tf } from '@weft/tensor';
import { GradientBuckets } from '../gradient-buckets';
import type { RankContext } from '../launch/rank-context';
import { rankInput } from './collective-cases';

export const BUCKET_SPECS = [
  { name: 'embedding/embeddings', shape: [50, 8] },
  { name: 'lstm/kernel', shape: [8, 32] },
  { name: 'lstm/bias', shape: [32] },
  { name: 'dense/kernel', shape: [8, 1] },
  { name: 'dense/bias', shape: [1] },
  { name: 'scalar', shape: [] as number[] },
];

/** Gradients of `rank`, deterministic. */
export function bucketGrads(rank: number): Record<string, Float32Array> {
  return Object.fromEntries(
    BUCKET_SPECS.map(({ name, shape }, i) => [name, rankInput(rank, shape.reduce((a, b) => a * b, 1), i)]),
  );
}

/** All-reduces (mean) the gradients in buckets of `args.capBytes`, as arrays and as tensors. */
export async function main(ctx: RankContext<{ capBytes: number; reverse?: boolean }>) {
  const group = await ctx.createGroup();
  try {
    await initBackend('cpu');
    const specs = ctx.args.reverse && ctx.rank === 1 ? [...BUCKET_SPECS].reverse() : BUCKET_SPECS;
    const buckets = new GradientBuckets(specs, { capBytes: ctx.args.capBytes, allocate: (n) => group.allocate(n) });
    const arrays = bucketGrads(ctx.rank);
    await buckets.allReduce(group, arrays, { op: 'mean' });
    const tensors = Object.fromEntries(
      BUCKET_SPECS.map(({ name, shape }) => [name, tf.tensor(bucketGrads(ctx.rank)[name], shape)]),
    );
    const reduced = await buckets.allReduceTensors(group, tensors, { op: 'mean' });
    return {
      buckets: buckets.layouts.map((l) => l.entries.map((e) => e.name)),
      arrays: Object.fromEntries(Object.entries(arrays).map(([k, v]) => [k, Array.from(v)])),
      tensors: Object.fromEntries(
        Object.entries(reduced).map(([k, t]) => [k, { shape: t.shape, values: Array.from(t.dataSync()) }]),
      ),
    };
  } catch (err) {
    return { error: (err as Error).message };
  } finally {
    group.destroy();
  }
}
