import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './activation';

/** Exact GELU, x * (1 + erf(x / sqrt(2))) / 2: Keras 3's default (approximate=False). */
export const gelu: Activation = {
  name: 'gelu',
  apply: (x) => tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))))),
};
