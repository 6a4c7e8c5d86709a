import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './activation';

export const relu: Activation = { name: 'relu', apply: (x) => tf.relu(x) };
