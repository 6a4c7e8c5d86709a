import * as tf from '@tensorflow/tfjs-core';

/**
 * Activations the fused sequence ops differentiate by hand. Each derivative is written in terms of
 * the activation's output, which the forward pass keeps anyway.
 */
export const FUSED_ACTIVATIONS = ['tanh', 'sigmoid', 'relu', 'linear'] as const;
export type FusedActivation = (typeof FUSED_ACTIVATIONS)[number];

export function isFusedActivation(name: string): name is FusedActivation {
  return (FUSED_ACTIVATIONS as readonly string[]).includes(name);
}

export function applyActivation(name: FusedActivation, x: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'relu':
      return tf.relu(x);
    case 'linear':
      return x;
  }
}

/** d activation(x) / dx, given y = activation(x). */
export function derivativeFromOutput(name: FusedActivation, y: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'tanh':
      return tf.sub(1, tf.square(y));
    case 'sigmoid':
      return tf.mul(y, tf.sub(1, y));
    case 'relu':
      return tf.cast(tf.greater(y, 0), 'float32');
    case 'linear':
      return tf.onesLike(y);
  }
}
