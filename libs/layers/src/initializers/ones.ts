import * as tf from '@tensorflow/tfjs-core';
import { Initializer } from './initializer';

export class Ones extends Initializer {
  static override className = 'Ones';

  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.ones(shape, dtype);
  }
}

export const ones = () => new Ones();
