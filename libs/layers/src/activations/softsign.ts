import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './activation';

export const softsign: Activation = {
  name: 'softsign',
  apply: (x) => tf.tidy(() => tf.div(x, tf.add(1, tf.abs(x)))),
};
