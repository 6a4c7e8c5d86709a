import * as tf from '@tensorflow/tfjs-core';
import { EPSILON, Loss, matchShapes, type LossArgs } from './loss';

export interface CategoricalCrossentropyArgs extends LossArgs {
  fromLogits?: boolean;
  /** Mixes one-hot labels with the uniform distribution: y * (1 - s) + s / numClasses. */
  labelSmoothing?: number;
}

/** -sum(y log p) over the last axis, for one-hot labels. */
export class CategoricalCrossentropy extends Loss {
  static override className = 'CategoricalCrossentropy';
  override readonly fromLogits: boolean;
  readonly labelSmoothing: number;

  constructor(args: CategoricalCrossentropyArgs = {}) {
    super(args, 'categoricalCrossentropy');
    this.fromLogits = args.fromLogits ?? false;
    this.labelSmoothing = args.labelSmoothing ?? 0;
  }

  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [labels, p] = matchShapes(this.name, yTrue, yPred);
      let t = labels;
      if (this.labelSmoothing) {
        const classes = p.shape[p.rank - 1];
        t = tf.add(tf.mul(t, 1 - this.labelSmoothing), this.labelSmoothing / classes);
      }
      return crossentropy(t, p, this.fromLogits);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing };
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
