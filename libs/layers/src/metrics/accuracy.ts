import * as tf from '@tensorflow/tfjs-core';
import { matchShapes } from '../losses/loss';
import { MeanMetricWrapper } from './mean-metric-wrapper';
import type { MetricArgs } from './metric';

/** How often yPred equals yTrue exactly (Keras's plain Accuracy). */
export class Accuracy extends MeanMetricWrapper {
  static override className = 'Accuracy';

  constructor(args: MetricArgs = {}) {
    super(args, 'accuracy');
  }

  protected values(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [t, p] = matchShapes(this.name, yTrue, yPred);
      return tf.cast(tf.equal(t, p), 'float32');
    });
  }
}

export const accuracy = (args?: MetricArgs) => new Accuracy(args);
