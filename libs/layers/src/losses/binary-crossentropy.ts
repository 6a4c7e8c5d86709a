import * as tf from '@tensorflow/tfjs-core';
import { EPSILON, Loss, matchShapes, type LossArgs } from './loss';

export interface BinaryCrossentropyArgs extends LossArgs {
  fromLogits?: boolean;
  /** Squeezes labels towards 0.5: y * (1 - s) + s / 2. */
  labelSmoothing?: number;
}

/** Mean over the last axis of -[y log p + (1 - y) log(1 - p)]. */
export class BinaryCrossentropy extends Loss {
  static override className = 'BinaryCrossentropy';
  override readonly fromLogits: boolean;
  readonly labelSmoothing: number;

  constructor(args: BinaryCrossentropyArgs = {}) {
    super(args, 'binaryCrossentropy');
    this.fromLogits = args.fromLogits ?? false;
    this.labelSmoothing = args.labelSmoothing ?? 0;
  }

  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [labels, p] = matchShapes(this.name, yTrue, yPred);
      let t = labels;
      if (this.labelSmoothing) t = tf.add(tf.mul(t, 1 - this.labelSmoothing), 0.5 * this.labelSmoothing);
      let elementwise: tf.Tensor;
      if (this.fromLogits) {
        // Stable form of the logistic loss: max(x, 0) - x y + log(1 + exp(-|x|)).
        elementwise = tf.add(tf.sub(tf.relu(p), tf.mul(p, t)), tf.log1p(tf.exp(tf.neg(tf.abs(p)))));
      } else {
        const q = tf.clipByValue(p, EPSILON, 1 - EPSILON);
        elementwise = tf.neg(tf.add(tf.mul(t, tf.log(q)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, q)))));
      }
      return tf.mean(elementwise, -1);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing };
  }
}

export const binaryCrossentropy = (args?: BinaryCrossentropyArgs) => new BinaryCrossentropy(args);
