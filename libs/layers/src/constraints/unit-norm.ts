import * as tf from '@tensorflow/tfjs-core';
import { Constraint, EPSILON, norms } from './constraint';

export interface UnitNormArgs {
  axis?: number | number[];
}

/** Divides each slice along `axis` by its norm. */
export class UnitNorm extends Constraint {
  static override className = 'UnitNorm';
  readonly axis: number | number[];

  constructor(args: UnitNormArgs = {}) {
    super();
    this.axis = args.axis ?? 0;
  }

  apply(w: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.div(w, tf.add(norms(w, this.axis), EPSILON)));
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }
}

export const unitNorm = (args?: UnitNormArgs) => new UnitNorm(args);
