import type * as tf from '@tensorflow/tfjs-core';
import { check } from '../activations/lookup';

/** A penalty on a weight that the engine adds to the loss. */
export abstract class Regularizer {
  static className: string;

  abstract apply(x: tf.Tensor): tf.Scalar;

  abstract getConfig(): Record<string, unknown>;
}

export function checkFactor(name: string, value: number): number {
  check(Number.isFinite(value) && value >= 0, name, value, 'must be a non-negative number');
  return value;
}
