import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './activation';

/** Keras 3's definition, relu6(x + 3) / 6 (tf.keras 2 and tfjs-layers used clip(0.2x + 0.5)). */
export const hardSigmoid: Activation = {
  name: 'hardSigmoid',
  apply: (x) => tf.tidy(() => tf.div(tf.relu6(tf.add(x, 3)), 6)),
};
