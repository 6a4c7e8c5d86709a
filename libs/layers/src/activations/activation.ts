import type * as tf from '@tensorflow/tfjs-core';

/** An element-wise (or last-axis, for softmax) function applied to a layer's output. */
export interface Activation {
  readonly name: string;
  apply(x: tf.Tensor): tf.Tensor;
}
