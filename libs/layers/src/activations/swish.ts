import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './activation';

/** x * sigmoid(x), also known as silu. */
export const swish: Activation = {
  name: 'swish',
  apply: (x) => tf.tidy(() => tf.mul(x, tf.sigmoid(x))),
};
