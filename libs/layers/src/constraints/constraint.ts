import * as tf from '@tensorflow/tfjs-core';

/** A projection applied to a weight after every optimizer update. */
export abstract class Constraint {
  static className: string;

  abstract apply(w: tf.Tensor): tf.Tensor;

  getConfig(): Record<string, unknown> {
    return {};
  }
}

/** Keras's backend epsilon, added to norms before dividing by them. */
export const EPSILON = 1e-7;

/** The L2 norm of w over `axis`, keeping dimensions so it broadcasts against w. */
export function norms(w: tf.Tensor, axis: number | number[]): tf.Tensor {
  return tf.sqrt(tf.sum(tf.square(w), axis, true));
}
