import { FlatLayout, type FlatSpec, tf } from '@weft/tensor';
import type { ProcessGroup, ReduceOptions } from './process-group';

export interface BucketReduceOptions extends ReduceOptions {
  /** Multiplies this rank's gradients before the reduction, e.g. by its share of a weighted mean. */
  scale?: number;
}

/** PyTorch DDP's default bucket cap. */
export const DEFAULT_BUCKET_CAP_BYTES = 25 * 1024 * 1024;

export function scaleInPlace(buffer: Float32Array, scale = 1): void {
  if (scale !== 1) for (let i = 0; i < buffer.length; i++) buffer[i] *= scale;
}

/**
 * A model's gradients cut into flat float32 buckets of at most `capBytes` (a tensor larger than
 * the cap gets a bucket of its own), in the order of the specs, which must be the same on every
 * rank (a model's trainable weights, in order); each bucket is packed, all-reduced, unpacked.
 */
export class GradientBuckets {
  readonly layouts: readonly FlatLayout[];
  private readonly buffers: Float32Array[];
  private checkedOn: ProcessGroup | null = null;

  /**
   * `allocate` makes the bucket buffers; pass `(n) => group.allocate(n)` so that a shared-memory
   * group reduces them in place.
   */
  constructor(
    specs: readonly FlatSpec[],
    options: { capBytes?: number; allocate?: (length: number) => Float32Array } = {},
  ) {
    const capBytes = options.capBytes ?? DEFAULT_BUCKET_CAP_BYTES;
    if (!(capBytes >= 4)) throw new Error(`GradientBuckets capBytes must be at least 4. Received: capBytes=${capBytes}`);
    const groups: FlatSpec[][] = [];
    let bytes = Infinity;
    for (const spec of specs) {
      const size = spec.shape.reduce((a, b) => a * b, 1) * 4;
      if (bytes + size > capBytes) {
        groups.push([]);
        bytes = 0;
      }
      groups[groups.length - 1].push(spec);
      bytes += size;
    }
    // Cache-line aligned, for copies in and out of shared memory at memcpy speed (FlatLayout).
    this.layouts = groups.map((g) => new FlatLayout(g, { alignFloats: 16 }));
    this.buffers = this.layouts.map((layout) => options.allocate?.(layout.size) ?? layout.allocate());
  }

  private async checkLayoutOnce(group: ProcessGroup): Promise<void> {
    if (this.checkedOn === group) return;
    await checkSameLayout(group, this.layouts);
    this.checkedOn = group;
  }

  /** All-reduces gradients given as Float32Arrays by name, in place. */
  async allReduce(group: ProcessGroup, grads: Record<string, Float32Array>, options: BucketReduceOptions = {}): Promise<void> {
    await this.checkLayoutOnce(group);
    for (let b = 0; b < this.layouts.length; b++) {
      const buffer = this.buffers[b];
      const entries = this.layouts[b].entries;
      for (const { name, offset, size } of entries) {
        const grad = grads[name];
        if (!grad) throw new Error(`GradientBuckets: the gradient '${name}' is missing.`);
        if (grad.length !== size) {
          throw new Error(`GradientBuckets: '${name}' must have ${size} elements. Received: length=${grad.length}`);
        }
        buffer.set(grad, offset);
      }
      scaleInPlace(buffer, options.scale);
      await group.allReduce(buffer, options);
      for (const { name, offset, size } of entries) grads[name].set(buffer.subarray(offset, offset + size));
    }
  }

  /** All-reduces float32 gradient tensors; returns new tensors (the caller disposes both). */
  async allReduceTensors(group: ProcessGroup, grads: tf.NamedTensorMap, options: BucketReduceOptions = {}) {
    await this.checkLayoutOnce(group);
    const out: tf.NamedTensorMap = {};
    for (let b = 0; b < this.layouts.length; b++) {
      const layout = this.layouts[b];
      const subset: tf.NamedTensorMap = {};
      for (const { name } of layout.entries) subset[name] = grads[name];
      layout.pack(subset, this.buffers[b]);
      scaleInPlace(this.buffers[b], options.scale);
      await group.allReduce(this.buffers[b], options);
      Object.assign(out, layout.unpack(this.buffers[b]));
    }
    return out;
  }
}

/** A 24-bit hash of the layouts' names and sizes, in order (exact as a float32). */
function layoutSignature(layouts: readonly FlatLayout[]): number {
  let hash = 0x811c9dc5;
  for (const layout of layouts) {
    for (const { name, size } of layout.entries) {
      for (const ch of `${name}:${size};`) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193);
    }
    hash = Math.imul(hash ^ 0x7c, 0x01000193);
  }
  return (hash >>> 0) & 0xffffff;
}

/** Checks, with one allGather, that every rank has the same gradient buckets (names, sizes, order). */
export async function checkSameLayout(group: ProcessGroup, layouts: readonly FlatLayout[]): Promise<void> {
  const mine = layoutSignature(layouts);
  const all = new Float32Array(group.size);
  await group.allGather(new Float32Array([mine]), all);
  const other = all.findIndex((s) => s !== mine);
  if (other >= 0) {
    throw new Error(
      `GradientBuckets: rank ${other} has different gradients (names, sizes or order) than rank ${group.rank}; ` +
        'build the buckets from the same model on every rank',
    );
  }
}
