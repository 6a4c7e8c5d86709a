import * as tf from '@tensorflow/tfjs-core';
import { Loss, matchShapes, type LossArgs } from './loss';

/** mean(|yTrue - yPred|) over the last axis. */
export class MeanAbsoluteError extends Loss {
  static override className = 'MeanAbsoluteError';

  constructor(args: LossArgs = {}) {
    super(args, 'meanAbsoluteError');
  }

  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [t, p] = matchShapes(this.name, yTrue, yPred);
      return tf.mean(tf.abs(tf.sub(t, p)), -1);
    });
  }
}

export const meanAbsoluteError = (args?: LossArgs) => new MeanAbsoluteError(args);
