import * as tf from '@tensorflow/tfjs-core';
import { Regularizer, checkFactor } from './regularizer';

export interface L1L2Args {
  l1?: number;
  l2?: number;
}

/** l1 * sum(|x|) + l2 * sum(x^2); both factors default to 0 as in Keras. */
export class L1L2 extends Regularizer {
  static override className = 'L1L2';
  readonly l1: number;
  readonly l2: number;

  constructor(args: L1L2Args = {}) {
    super();
    this.l1 = checkFactor('l1', args.l1 ?? 0);
    this.l2 = checkFactor('l2', args.l2 ?? 0);
  }

  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => {
      let penalty: tf.Scalar = tf.scalar(0);
      if (this.l1) penalty = tf.add(penalty, tf.mul(this.l1, tf.sum(tf.abs(x))));
      if (this.l2) penalty = tf.add(penalty, tf.mul(this.l2, tf.sum(tf.square(x))));
      return penalty;
    });
  }

  getConfig(): Record<string, unknown> {
    return { l1: this.l1, l2: this.l2 };
  }
}

export const l1l2 = (args?: L1L2Args) => new L1L2(args);
