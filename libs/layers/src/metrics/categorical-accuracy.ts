import * as tf from '@tensorflow/tfjs-core';
import { matchShapes } from '../losses/loss';
import { MeanMetricWrapper } from './mean-metric-wrapper';
import type { MetricArgs } from './metric';

/** How often argmax(yPred) equals argmax of the one-hot label. */
export class CategoricalAccuracy extends MeanMetricWrapper {
  static override className = 'CategoricalAccuracy';

  constructor(args: MetricArgs = {}) {
    super(args, 'categoricalAccuracy');
  }

  protected values(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [t, p] = matchShapes(this.name, yTrue, yPred);
      return tf.cast(tf.equal(tf.argMax(t, -1), tf.argMax(p, -1)), 'float32');
    });
  }
}

export const categoricalAccuracy = (args?: MetricArgs) => new CategoricalAccuracy(args);
