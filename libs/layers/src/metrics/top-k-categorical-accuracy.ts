import * as tf from '@tensorflow/tfjs-core';
import { assertPositiveInt } from '../engine/validate';
import { matchShapes } from '../losses/loss';
import { MeanMetricWrapper } from './mean-metric-wrapper';
import type { MetricArgs } from './metric';
import { inTopK } from './top-k';

export interface TopKArgs extends MetricArgs {
  k?: number;
}

/** How often the one-hot target class is among the k highest predictions (default k = 5). */
export class TopKCategoricalAccuracy extends MeanMetricWrapper {
  static override className = 'TopKCategoricalAccuracy';
  readonly k: number;

  constructor(args: TopKArgs = {}) {
    super(args, 'topKCategoricalAccuracy');
    this.k = assertPositiveInt(args.k ?? 5, 'k', 'TopKCategoricalAccuracy');
  }

  protected values(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [t, p] = matchShapes(this.name, yTrue, yPred);
      return inTopK(tf.cast(tf.argMax(t, -1), 'int32'), p, this.k);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), k: this.k };
  }
}

export const topKCategoricalAccuracy = (args?: TopKArgs) => new TopKCategoricalAccuracy(args);
