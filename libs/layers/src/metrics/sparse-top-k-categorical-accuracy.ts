import * as tf from '@tensorflow/tfjs-core';
import { assertPositiveInt } from '../engine/validate';
import { MeanMetricWrapper } from './mean-metric-wrapper';
import { sparseLabels } from './sparse-labels';
import { inTopK } from './top-k';
import type { TopKArgs } from './top-k-categorical-accuracy';

/** How often the integer target class is among the k highest predictions (default k = 5). */
export class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  static override className = 'SparseTopKCategoricalAccuracy';
  readonly k: number;

  constructor(args: TopKArgs = {}) {
    super(args, 'sparseTopKCategoricalAccuracy');
    this.k = assertPositiveInt(args.k ?? 5, 'k', 'SparseTopKCategoricalAccuracy');
  }

  protected values(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => inTopK(sparseLabels(this.name, yTrue, yPred), yPred, this.k));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), k: this.k };
  }
}

export const sparseTopKCategoricalAccuracy = (args?: TopKArgs) => new SparseTopKCategoricalAccuracy(args);
