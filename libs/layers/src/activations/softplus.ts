import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './activation';

export const softplus: Activation = { name: 'softplus', apply: (x) => tf.softplus(x) };
