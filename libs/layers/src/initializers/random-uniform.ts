import * as tf from '@tensorflow/tfjs-core';
import { check } from '../activations/lookup';
import { Initializer, type SeedArgs } from './initializer';

export interface RandomUniformArgs extends SeedArgs {
  minval?: number;
  maxval?: number;
}

export class RandomUniform extends Initializer {
  static override className = 'RandomUniform';
  readonly minval: number;
  readonly maxval: number;
  readonly seed?: number;

  constructor(args: RandomUniformArgs = {}) {
    super();
    this.minval = args.minval ?? -0.05;
    this.maxval = args.maxval ?? 0.05;
    this.seed = args.seed;
    check(this.maxval >= this.minval, 'maxval', this.maxval, `must be >= minval (${this.minval})`);
  }

  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.randomUniform(shape, this.minval, this.maxval, dtype, this.seed);
  }

  override getConfig(): Record<string, unknown> {
    return { minval: this.minval, maxval: this.maxval, seed: this.seed };
  }
}

export const randomUniform = (args?: RandomUniformArgs) => new RandomUniform(args);
