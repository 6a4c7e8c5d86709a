import type * as tf from '@tensorflow/tfjs-core';

/** Produces a layer weight's initial value for a given shape. */
export abstract class Initializer {
  /** The Keras class name, used as `className` when serialized. */
  static className: string;

  abstract apply(shape: number[], dtype?: tf.DataType): tf.Tensor;

  getConfig(): Record<string, unknown> {
    return {};
  }
}

/** Arguments of the random initializers: a seed makes every call produce the same values. */
export interface SeedArgs {
  seed?: number;
}
