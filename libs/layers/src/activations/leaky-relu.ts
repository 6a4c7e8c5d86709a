import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './activation';

/** Keras 3's leaky_relu activation: negative slope 0.2. */
export const leakyRelu: Activation = { name: 'leakyRelu', apply: (x) => tf.leakyRelu(x, 0.2) };
