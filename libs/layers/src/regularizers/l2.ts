import * as tf from '@tensorflow/tfjs-core';
import { Regularizer, checkFactor } from './regularizer';

/** l2 * sum(x^2) (no 1/2 factor, as in Keras). */
export class L2 extends Regularizer {
  static override className = 'L2';
  readonly l2: number;

  constructor(args: { l2?: number } = {}) {
    super();
    this.l2 = checkFactor('l2', args.l2 ?? 0.01);
  }

  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mul(this.l2, tf.sum(tf.square(x))));
  }

  getConfig(): Record<string, unknown> {
    return { l2: this.l2 };
  }
}

export const l2 = (factor: number | { l2?: number } = 0.01) =>
  new L2(typeof factor === 'number' ? { l2: factor } : factor);
