import * as tf from '@tensorflow/tfjs-core';
import { Constraint } from './constraint';

/** Sets negative weights to zero. */
export class NonNeg extends Constraint {
  static override className = 'NonNeg';

  apply(w: tf.Tensor): tf.Tensor {
    return tf.relu(w);
  }
}

export const nonNeg = () => new NonNeg();
