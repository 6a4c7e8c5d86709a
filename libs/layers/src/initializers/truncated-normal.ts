import * as tf from '@tensorflow/tfjs-core';
import { RandomNormal, type RandomNormalArgs } from './random-normal';

export type TruncatedNormalArgs = RandomNormalArgs;

/** A normal distribution with values beyond two standard deviations redrawn. */
export class TruncatedNormal extends RandomNormal {
  static override className = 'TruncatedNormal';

  override apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.truncatedNormal(shape, this.mean, this.stddev, dtype as 'float32', this.seed);
  }
}

export const truncatedNormal = (args?: TruncatedNormalArgs) => new TruncatedNormal(args);
