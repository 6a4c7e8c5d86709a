import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './activation';

export const sigmoid: Activation = { name: 'sigmoid', apply: (x) => tf.sigmoid(x) };
