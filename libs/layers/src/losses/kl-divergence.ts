import * as tf from '@tensorflow/tfjs-core';
import { EPSILON, Loss, matchShapes, type LossArgs } from './loss';

/** sum(y log(y / yPred)) over the last axis, both clipped to [EPSILON, 1]. */
export class KLDivergence extends Loss {
  static override className = 'KLDivergence';

  constructor(args: LossArgs = {}) {
    super(args, 'kld');
  }

  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [t, p] = matchShapes(this.name, yTrue, yPred);
      const tc = tf.clipByValue(t, EPSILON, 1);
      const pc = tf.clipByValue(p, EPSILON, 1);
      return tf.sum(tf.mul(tc, tf.log(tf.div(tc, pc))), -1);
    });
  }
}

export const kld = (args?: LossArgs) => new KLDivergence(args);
