import * as tf from '@tensorflow/tfjs-core';
import { Initializer } from './initializer';

export class Zeros extends Initializer {
  static override className = 'Zeros';

  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.zeros(shape, dtype);
  }
}

export const zeros = () => new Zeros();
