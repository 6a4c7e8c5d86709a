import { tf } from '@weft/tensor';
import type { LayerVariable } from '@weft/layers';
import type { ProcessGroup } from '../process-group';

/**
 * DDP's buffer broadcast: every rank takes rank 0's values of `weights` (the non-trainable ones,
 * e.g. BatchNorm's moving statistics, which each rank moves on its own rows), in one broadcast.
 * Float32 weights only (int32 state is not statistics).
 */
export async function broadcastFromRank0(group: ProcessGroup, weights: readonly LayerVariable[], timeoutMs: number): Promise<void> {
  const floats = weights.filter((w) => w.dtype === 'float32');
  if (group.size === 1 || floats.length === 0) return;
  const sizes = floats.map((w) => w.shape.reduce((a, b) => a * b, 1));
  const flat = new Float32Array(sizes.reduce((a, b) => a + b, 0));
  let offset = 0;
  floats.forEach((w, i) => {
    if (group.rank === 0) flat.set(w.read().dataSync() as Float32Array, offset);
    offset += sizes[i];
  });
  await group.broadcast(flat, { root: 0, timeoutMs });
  if (group.rank === 0) return;
  offset = 0;
  floats.forEach((w, i) => {
    const value = tf.tensor(flat.subarray(offset, offset + sizes[i]), w.shape, 'float32');
    w.assign(value);
    value.dispose();
    offset += sizes[i];
  });
}
