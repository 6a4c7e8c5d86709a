import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './activation';

export const elu: Activation = { name: 'elu', apply: (x) => tf.elu(x) };
