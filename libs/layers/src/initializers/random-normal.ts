import * as tf from '@tensorflow/tfjs-core';
import { check } from '../activations/lookup';
import { Initializer, type SeedArgs } from './initializer';

export interface RandomNormalArgs extends SeedArgs {
  mean?: number;
  stddev?: number;
}

export class RandomNormal extends Initializer {
  static override className = 'RandomNormal';
  readonly mean: number;
  readonly stddev: number;
  readonly seed?: number;

  constructor(args: RandomNormalArgs = {}) {
    super();
    this.mean = args.mean ?? 0;
    this.stddev = args.stddev ?? 0.05;
    this.seed = args.seed;
    check(this.stddev >= 0, 'stddev', this.stddev, 'must be non-negative');
  }

  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.randomNormal(shape, this.mean, this.stddev, dtype as 'float32', this.seed);
  }

  override getConfig(): Record<string, unknown> {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed };
  }
}

export const randomNormal = (args?: RandomNormalArgs) => new RandomNormal(args);
