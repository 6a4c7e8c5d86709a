import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './activation';

export const selu: Activation = { name: 'selu', apply: (x) => tf.selu(x) };
