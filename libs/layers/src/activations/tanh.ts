import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './activation';

export const tanh: Activation = { name: 'tanh', apply: (x) => tf.tanh(x) };
