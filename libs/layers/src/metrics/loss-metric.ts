import type * as tf from '@tensorflow/tfjs-core';
import type { Serialized } from '../activations/lookup';
import { getLoss, serializeLoss } from '../losses/get-loss';
import type { Loss } from '../losses/loss';
import { MeanMetricWrapper } from './mean-metric-wrapper';
import type { MetricArgs } from './metric';

export interface LossMetricArgs extends MetricArgs {
  loss: string | Loss | Serialized;
}

/** The weighted mean of a loss's per-sample values, e.g. metrics: ['mae'] (Keras's loss metrics). */
export class LossMetric extends MeanMetricWrapper {
  static override className = 'LossMetric';
  readonly loss: Loss;

  constructor(args: LossMetricArgs) {
    const loss = getLoss(args.loss);
    super(args, typeof args.loss === 'string' ? args.loss : loss.name);
    this.loss = loss;
  }

  protected values(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return this.loss.call(yTrue, yPred);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), loss: serializeLoss(this.loss) };
  }
}
