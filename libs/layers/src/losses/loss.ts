import * as tf from '@tensorflow/tfjs-core';
import { check } from '../activations/lookup';

/** How per-sample losses become the scalar that is minimised. */
export type Reduction = 'sumOverBatchSize' | 'sum' | 'none';

const REDUCTIONS: Reduction[] = ['sumOverBatchSize', 'sum', 'none'];
const KERAS_REDUCTIONS: Record<string, Reduction> = {
  sum_over_batch_size: 'sumOverBatchSize',
  auto: 'sumOverBatchSize',
};

export interface LossArgs {
  name?: string;
  /** Also accepts Keras's 'sum_over_batch_size'. */
  reduction?: Reduction | 'sum_over_batch_size';
}

/** Keras's backend epsilon: probabilities are clipped to [EPSILON, 1 - EPSILON] before log. */
export const EPSILON = 1e-7;

/**
 * A loss: `call` computes per-sample values (the last axis reduced), `apply` weights and reduces
 * them like Keras's Loss.__call__.
 */
export abstract class Loss {
  static className: string;
  readonly name: string;
  readonly reduction: Reduction;
  readonly fromLogits?: boolean;

  constructor(args: LossArgs, defaultName: string) {
    this.name = args.name ?? defaultName;
    const reduction = (KERAS_REDUCTIONS[args.reduction ?? ''] ?? args.reduction ?? 'sumOverBatchSize') as Reduction;
    check(REDUCTIONS.includes(reduction), 'reduction', args.reduction, `must be one of ${REDUCTIONS.join(', ')}`);
    this.reduction = reduction;
  }

  /** Per-sample losses: [batch] or [batch, steps]. */
  abstract call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor;

  /**
   * Per-sample losses times sampleWeight (broadcast over trailing axes), then reduced;
   * 'sumOverBatchSize' divides the sum by the number of per-sample elements, like Keras.
   * With reduction 'none' the result is the weighted per-sample tensor, not a scalar.
   * A `mask` (1 = keep) is folded into the weights the Keras 3 way: under 'sumOverBatchSize' the
   * result is the mean over the unmasked elements. Masks passed as sampleWeight instead count
   * the masked elements in the divisor (tf.keras 2 behaviour).
   */
  apply(
    yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor | null, mask?: tf.Tensor | null,
  ): tf.Scalar {
    return tf.tidy(() => {
      const losses = this.call(yTrue, yPred);
      let weight = sampleWeight ? tf.cast(sampleWeight, losses.dtype) : null;
      if (mask) {
        let m: tf.Tensor = tf.cast(mask, losses.dtype);
        if (this.reduction === 'sumOverBatchSize') {
          m = tf.mul(m, tf.div(m.size, tf.add(tf.sum(m), EPSILON)));
        }
        weight = weight ? tf.mul(alignWeight(weight, m), m) : m;
      }
      const weighted = weight ? tf.mul(losses, alignWeight(weight, losses, this.name)) : losses;
      if (this.reduction === 'none' || weighted.rank === 0) return weighted as tf.Scalar;
      const total = tf.sum(weighted);
      if (this.reduction === 'sum') return total;
      return weighted.size === 0 ? tf.scalar(0) : tf.div(total, weighted.size);
    }) as tf.Scalar;
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, reduction: this.reduction };
  }
}

/**
 * Brings a weight to the rank of `values` so that it broadcasts per sample: a trailing
 * singleton axis is squeezed or added (Keras's squeeze_or_expand_to_same_rank), and a weight of
 * lower rank gets trailing axes ([batch] weights a [batch, steps] loss per sample).
 */
export function alignWeight(weight: tf.Tensor, values: tf.Tensor, lossName = 'loss'): tf.Tensor {
  let w = weight;
  if (w.rank === values.rank + 1 && w.shape[w.rank - 1] === 1) w = tf.squeeze(w, [w.rank - 1]);
  while (w.rank < values.rank) w = tf.expandDims(w, -1);
  const ok = w.rank === values.rank && w.shape.every((d, i) => d === 1 || d === values.shape[i]);
  if (!ok) {
    throw new Error(
      `${lossName}: sampleWeight of shape [${weight.shape}] does not broadcast to the per-sample ` +
        `losses of shape [${values.shape}]. Pass one weight per sample ([batch]) or per timestep.`,
    );
  }
  return w;
}

/**
 * Keras's squeeze_or_expand_to_same_rank for labels: [batch] labels against [batch, 1]
 * predictions (or the reverse) are made the same rank, then the shapes must agree.
 */
export function matchShapes(lossName: string, yTrue: tf.Tensor, yPred: tf.Tensor): [tf.Tensor, tf.Tensor] {
  let t = yTrue;
  const p = yPred;
  if (t.rank === p.rank + 1 && t.shape[t.rank - 1] === 1) t = tf.squeeze(t, [t.rank - 1]);
  else if (p.rank === t.rank + 1 && p.shape[p.rank - 1] === 1) t = tf.expandDims(t, -1);
  if (!tf.util.arraysEqual(t.shape, p.shape)) {
    throw new Error(
      `${lossName} expects yTrue and yPred of the same shape. ` +
        `Received: yTrue [${yTrue.shape}], yPred [${yPred.shape}]`,
    );
  }
  return [tf.cast(t, p.dtype), p];
}
