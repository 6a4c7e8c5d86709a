import * as tf from '@tensorflow/tfjs-core';
import { check } from '../activations/lookup';
import { Initializer, type SeedArgs } from './initializer';

export interface TruncatedNormalArgs extends SeedArgs {
  mean?: number;
  stddev?: number;
}

/** A normal distribution with values beyond two standard deviations redrawn. */
export class TruncatedNormal extends Initializer {
  static override className = 'TruncatedNormal';
  readonly mean: number;
  readonly stddev: number;
  readonly seed?: number;

  constructor(args: TruncatedNormalArgs = {}) {
    super();
    this.mean = args.mean ?? 0;
    this.stddev = args.stddev ?? 0.05;
    this.seed = args.seed;
    check(this.stddev >= 0, 'stddev', this.stddev, 'must be non-negative');
  }

  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.truncatedNormal(shape, this.mean, this.stddev, dtype as 'float32', this.seed);
  }

  override getConfig(): Record<string, unknown> {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed };
  }
}

export const truncatedNormal = (args?: TruncatedNormalArgs) => new TruncatedNormal(args);
