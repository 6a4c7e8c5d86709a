import * as tf from '@tensorflow/tfjs-core';
import { Loss, matchShapes, type LossArgs } from './loss';

export interface CrossentropyArgs extends LossArgs {
  fromLogits?: boolean;
  /** Moves the labels toward the uniform label: y * (1 - s) + s * uniform. */
  labelSmoothing?: number;
}

/**
 * What binary and categorical crossentropy share: fromLogits, labelSmoothing, and a call that
 * matches shapes, smooths the labels and hands them to the subclass's loss.
 */
export abstract class SmoothedCrossentropy extends Loss {
  override readonly fromLogits: boolean;
  readonly labelSmoothing: number;

  constructor(args: CrossentropyArgs, defaultName: string) {
    super(args, defaultName);
    this.fromLogits = args.fromLogits ?? false;
    this.labelSmoothing = args.labelSmoothing ?? 0;
  }

  /** What smoothing adds to the scaled labels: labelSmoothing times the uniform label over `classes` (the last axis). */
  protected abstract smoothingShift(classes: number): number;

  /** The per-sample loss of (smoothed) labels against the predictions. */
  protected abstract lossOf(labels: tf.Tensor, preds: tf.Tensor): tf.Tensor;

  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [labels, p] = matchShapes(this.name, yTrue, yPred);
      let t = labels;
      if (this.labelSmoothing) t = tf.add(tf.mul(t, 1 - this.labelSmoothing), this.smoothingShift(p.shape[p.rank - 1]));
      return this.lossOf(t, p);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing };
  }
}
