import type * as tf from '@tensorflow/tfjs-core';
import { Loss, type LossArgs } from './loss';

/** A per-sample loss function, (yTrue, yPred) => losses with the last axis reduced. */
export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** Turns a plain function into a Loss (weighting and reduction as for the built-ins). */
export class LossFunctionWrapper extends Loss {
  static override className = 'LossFunctionWrapper';

  constructor(private readonly fn: LossFunction, args: LossArgs = {}) {
    super(args, fn.name || 'loss');
  }

  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return this.fn(yTrue, yPred);
  }
}
