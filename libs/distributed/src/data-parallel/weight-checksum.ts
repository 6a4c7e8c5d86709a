import { tf } from '@weft/tensor';
import type { LayerVariable } from '@weft/layers';
import type { ProcessGroup } from '../process-group';

/**
 * Checks that every rank holds the same `weights` (the trainable ones, or all): per weight, the float32 sums of its
 * values and of their squares must match rank 0's bit for bit (replicas apply identical updates
 * to identical values, so any difference means they diverged). Throws on every rank alike.
 */
export async function checkWeightsAgree(group: ProcessGroup, weights: readonly LayerVariable[], where: string, timeoutMs: number): Promise<void> {
  const sums = tf.tidy(() => tf.stack(weights.flatMap((w) => [tf.sum(w.variable), tf.sum(tf.square(w.variable))])));
  const mine = new Float32Array(sums.dataSync());
  sums.dispose();
  const all = new Float32Array(mine.length * group.size);
  await group.allGather(mine, all, { timeoutMs });
  for (let r = 1; r < group.size; r++) {
    for (let i = 0; i < mine.length; i++) {
      if (!Object.is(all[i], all[r * mine.length + i])) {
        throw new Error(
          `DataParallel: the replicas' weights diverged (${where}): '${weights[i >> 1].name}' differs between rank 0 ` +
            `and rank ${r}. Every rank must apply the same update: a layer that changes its weights outside the ` +
            'optimizer, or depends on the rank, breaks data-parallel training.',
        );
      }
    }
  }
}
