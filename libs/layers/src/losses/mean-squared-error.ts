import * as tf from '@tensorflow/tfjs-core';
import { Loss, matchShapes, type LossArgs } from './loss';

/** mean((yTrue - yPred)^2) over the last axis. */
export class MeanSquaredError extends Loss {
  static override className = 'MeanSquaredError';

  constructor(args: LossArgs = {}) {
    super(args, 'meanSquaredError');
  }

  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [t, p] = matchShapes(this.name, yTrue, yPred);
      return tf.mean(tf.squaredDifference(t, p), -1);
    });
  }
}

export const meanSquaredError = (args?: LossArgs) => new MeanSquaredError(args);
