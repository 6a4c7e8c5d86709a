import * as tf from '@tensorflow/tfjs-core';
import { Constraint, EPSILON, norms } from './constraint';

export interface MaxNormArgs {
  maxValue?: number;
  /** The axis over which norms are taken: 0 (default) constrains each column of a Dense kernel. */
  axis?: number | number[];
}

/** Rescales the slices whose norm exceeds maxValue down to maxValue. */
export class MaxNorm extends Constraint {
  static override className = 'MaxNorm';
  readonly maxValue: number;
  readonly axis: number | number[];

  constructor(args: MaxNormArgs = {}) {
    super();
    this.maxValue = args.maxValue ?? 2;
    this.axis = args.axis ?? 0;
  }

  apply(w: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const n = norms(w, this.axis);
      const desired = tf.clipByValue(n, 0, this.maxValue);
      return tf.mul(w, tf.div(desired, tf.add(n, EPSILON)));
    });
  }

  override getConfig(): Record<string, unknown> {
    return { maxValue: this.maxValue, axis: this.axis };
  }
}

export const maxNorm = (args?: MaxNormArgs) => new MaxNorm(args);
