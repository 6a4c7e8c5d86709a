import * as tf from '@tensorflow/tfjs-core';
import { check } from '../activations/lookup';
import { Loss, matchShapes, type LossArgs } from './loss';

export interface HuberArgs extends LossArgs {
  delta?: number;
}

/** Quadratic for errors up to delta, linear beyond: mean over the last axis. */
export class Huber extends Loss {
  static override className = 'Huber';
  readonly delta: number;

  constructor(args: HuberArgs = {}) {
    super(args, 'huber');
    this.delta = args.delta ?? 1;
    check(this.delta > 0, 'delta', this.delta, 'must be positive');
  }

  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [t, p] = matchShapes(this.name, yTrue, yPred);
      const error = tf.sub(p, t);
      const absError = tf.abs(error);
      const quadratic = tf.mul(0.5, tf.square(error));
      const linear = tf.sub(tf.mul(this.delta, absError), 0.5 * this.delta * this.delta);
      return tf.mean(tf.where(tf.lessEqual(absError, this.delta), quadratic, linear), -1);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), delta: this.delta };
  }
}

export const huber = (args?: HuberArgs) => new Huber(args);
