import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './activation';

export const relu6: Activation = { name: 'relu6', apply: (x) => tf.relu6(x) };
