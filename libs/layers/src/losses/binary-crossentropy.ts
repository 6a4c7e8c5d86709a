import * as tf from '@tensorflow/tfjs-core';
import { EPSILON } from './loss';
import { SmoothedCrossentropy, type CrossentropyArgs } from './smoothed-crossentropy';

export interface BinaryCrossentropyArgs extends CrossentropyArgs {
  /** Squeezes labels towards 0.5: y * (1 - s) + s / 2. */
  labelSmoothing?: number;
}

/** Mean over the last axis of -[y log p + (1 - y) log(1 - p)]. */
export class BinaryCrossentropy extends SmoothedCrossentropy {
  static override className = 'BinaryCrossentropy';

  constructor(args: BinaryCrossentropyArgs = {}) {
    super(args, 'binaryCrossentropy');
  }

  protected smoothingShift(): number {
    return 0.5 * this.labelSmoothing;
  }

  protected lossOf(t: tf.Tensor, p: tf.Tensor): tf.Tensor {
    if (!this.fromLogits) return clippedCrossentropy(t, p);
    // Stable form of the logistic loss: max(x, 0) - x y + log(1 + exp(-|x|)).
    return tf.mean(tf.add(tf.sub(tf.relu(p), tf.mul(p, t)), tf.log1p(tf.exp(tf.neg(tf.abs(p))))), -1);
  }
}

/**
 * Mean over the last axis of the crossentropy of probabilities clipped to [EPSILON, 1 - EPSILON],
 * with its gradient written out: d/dp = (q - t) / (q (1 - q)) / n where p lies in the clip range,
 * else 0 (tf.clipByValue's gradient). Fewer kernel launches than autodiff of the same forward (the
 * IMDB LSTM step's loss phase: 36 instead of 59), which cost more than the arithmetic at a training
 * batch. Labels get no gradient.
 */
function clippedCrossentropy(labels: tf.Tensor, probs: tf.Tensor): tf.Tensor {
  const loss = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [p, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const q = tf.clipByValue(p, EPSILON, 1 - EPSILON);
    const oneMinusQ = tf.sub(1, q);
    const elementwise = tf.neg(tf.add(tf.mul(labels, tf.log(q)), tf.mul(tf.sub(1, labels), tf.log(oneMinusQ))));
    save([p, q, oneMinusQ, labels]); // labels too: the caller's tidy frees them before the backward pass
    return {
      value: tf.mean(elementwise, -1),
      gradFunc: (dy: tf.Tensor, [pSaved, qSaved, oneMinusQSaved, labelsSaved]: tf.Tensor[]) => {
        const perElement = tf.div(tf.sub(qSaved, labelsSaved), tf.mul(qSaved, oneMinusQSaved));
        const scaled = tf.mul(perElement, tf.div(tf.expandDims(dy, -1), p.shape[p.rank - 1]));
        return tf.where(tf.equal(pSaved, qSaved), scaled, tf.zerosLike(scaled));
      },
    };
  });
  return loss(probs);
}

export const binaryCrossentropy = (args?: BinaryCrossentropyArgs) => new BinaryCrossentropy(args);
