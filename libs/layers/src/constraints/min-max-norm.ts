import * as tf from '@tensorflow/tfjs-core';
import { check } from '../activations/lookup';
import { Constraint, EPSILON, norms } from './constraint';

export interface MinMaxNormArgs {
  minValue?: number;
  maxValue?: number;
  /** 1 projects onto [minValue, maxValue] at once; smaller values move part of the way. */
  rate?: number;
  axis?: number | number[];
}

/** Keeps the norm of each slice along `axis` within [minValue, maxValue]. */
export class MinMaxNorm extends Constraint {
  static override className = 'MinMaxNorm';
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: number | number[];

  constructor(args: MinMaxNormArgs = {}) {
    super();
    this.minValue = args.minValue ?? 0;
    this.maxValue = args.maxValue ?? 1;
    this.rate = args.rate ?? 1;
    this.axis = args.axis ?? 0;
    check(this.maxValue >= this.minValue, 'maxValue', this.maxValue, `must be >= minValue (${this.minValue})`);
  }

  apply(w: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const n = norms(w, this.axis);
      const clipped = tf.clipByValue(n, this.minValue, this.maxValue);
      const desired = tf.add(tf.mul(this.rate, clipped), tf.mul(1 - this.rate, n));
      return tf.mul(w, tf.div(desired, tf.add(n, EPSILON)));
    });
  }

  override getConfig(): Record<string, unknown> {
    return { minValue: this.minValue, maxValue: this.maxValue, rate: this.rate, axis: this.axis };
  }
}

export const minMaxNorm = (args?: MinMaxNormArgs) => new MinMaxNorm(args);
