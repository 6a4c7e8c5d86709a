import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './activation';

/** Softmax over the last axis. */
export const softmax: Activation = { name: 'softmax', apply: (x) => tf.softmax(x) };
