import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './activation';

export const exponential: Activation = { name: 'exponential', apply: (x) => tf.exp(x) };
