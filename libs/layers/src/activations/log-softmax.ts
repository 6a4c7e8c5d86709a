import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './activation';

/** log(softmax(x)) over the last axis, computed stably. */
export const logSoftmax: Activation = { name: 'logSoftmax', apply: (x) => tf.logSoftmax(x) };
