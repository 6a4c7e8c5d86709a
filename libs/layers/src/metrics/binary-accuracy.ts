import * as tf from '@tensorflow/tfjs-core';
import { matchShapes } from '../losses/loss';
import { MeanMetricWrapper } from './mean-metric-wrapper';
import type { MetricArgs } from './metric';

export interface BinaryAccuracyArgs extends MetricArgs {
  threshold?: number;
}

/** How often (yPred > threshold) equals the 0/1 label. */
export class BinaryAccuracy extends MeanMetricWrapper {
  static override className = 'BinaryAccuracy';
  readonly threshold: number;

  constructor(args: BinaryAccuracyArgs = {}) {
    super(args, 'binaryAccuracy');
    this.threshold = args.threshold ?? 0.5;
  }

  protected values(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [t, p] = matchShapes(this.name, yTrue, yPred);
      return tf.cast(tf.equal(t, tf.cast(tf.greater(p, this.threshold), t.dtype)), 'float32');
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), threshold: this.threshold };
  }
}

export const binaryAccuracy = (args?: BinaryAccuracyArgs) => new BinaryAccuracy(args);
