import * as tf from '@tensorflow/tfjs-core';
import { Initializer } from './initializer';

export interface ConstantArgs {
  value?: number;
}

export class Constant extends Initializer {
  static override className = 'Constant';
  readonly value: number;

  constructor(args: ConstantArgs = {}) {
    super();
    this.value = args.value ?? 0;
  }

  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.fill(shape, this.value, dtype);
  }

  override getConfig(): Record<string, unknown> {
    return { value: this.value };
  }
}

export const constant = (args?: ConstantArgs) => new Constant(args);
