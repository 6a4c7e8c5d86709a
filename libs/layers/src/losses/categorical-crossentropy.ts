import * as tf from '@tensorflow/tfjs-core';
import { EPSILON } from './loss';
import { SmoothedCrossentropy, type CrossentropyArgs } from './smoothed-crossentropy';

export interface CategoricalCrossentropyArgs extends CrossentropyArgs {
  /** Mixes one-hot labels with the uniform distribution: y * (1 - s) + s / numClasses. */
  labelSmoothing?: number;
}

/** -sum(y log p) over the last axis, for one-hot labels. */
export class CategoricalCrossentropy extends SmoothedCrossentropy {
  static override className = 'CategoricalCrossentropy';

  constructor(args: CategoricalCrossentropyArgs = {}) {
    super(args, 'categoricalCrossentropy');
  }

  protected smoothingShift(classes: number): number {
    return this.labelSmoothing / classes;
  }

  protected lossOf(t: tf.Tensor, p: tf.Tensor): tf.Tensor {
    return crossentropy(t, p, this.fromLogits);
  }
}

/**
 * -sum(target * log(prob)) over the last axis. Probabilities are renormalised to sum to one
 * and clipped to [EPSILON, 1 - EPSILON], as Keras does.
 */
export function crossentropy(target: tf.Tensor, output: tf.Tensor, fromLogits: boolean): tf.Tensor {
  return tf.tidy(() => {
    let logProb: tf.Tensor;
    if (fromLogits) logProb = tf.logSoftmax(output);
    else {
      const normalized = tf.div(output, tf.sum(output, -1, true));
      logProb = tf.log(tf.clipByValue(normalized, EPSILON, 1 - EPSILON));
    }
    return tf.neg(tf.sum(tf.mul(target, logProb), -1));
  });
}

export const categoricalCrossentropy = (args?: CategoricalCrossentropyArgs) =>
  new CategoricalCrossentropy(args);
