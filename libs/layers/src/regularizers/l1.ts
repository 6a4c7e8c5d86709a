import * as tf from '@tensorflow/tfjs-core';
import { Regularizer, checkFactor } from './regularizer';

/** l1 * sum(|x|). */
export class L1 extends Regularizer {
  static override className = 'L1';
  readonly l1: number;

  constructor(args: { l1?: number } = {}) {
    super();
    this.l1 = checkFactor('l1', args.l1 ?? 0.01);
  }

  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mul(this.l1, tf.sum(tf.abs(x))));
  }

  getConfig(): Record<string, unknown> {
    return { l1: this.l1 };
  }
}

export const l1 = (factor: number | { l1?: number } = 0.01) =>
  new L1(typeof factor === 'number' ? { l1: factor } : factor);
