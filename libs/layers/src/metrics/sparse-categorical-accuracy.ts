import * as tf from '@tensorflow/tfjs-core';
import { MeanMetricWrapper } from './mean-metric-wrapper';
import type { MetricArgs } from './metric';
import { sparseLabels } from './sparse-labels';

/** How often argmax(yPred) equals the integer label. */
export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  static override className = 'SparseCategoricalAccuracy';

  constructor(args: MetricArgs = {}) {
    super(args, 'sparseCategoricalAccuracy');
  }

  protected values(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      tf.cast(tf.equal(sparseLabels(this.name, yTrue, yPred), tf.cast(tf.argMax(yPred, -1), 'int32')), 'float32'),
    );
  }
}

export const sparseCategoricalAccuracy = (args?: MetricArgs) => new SparseCategoricalAccuracy(args);
