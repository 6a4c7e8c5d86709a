import type * as tf from '@tensorflow/tfjs-core';
import { Mean } from './mean';
import { Metric } from './metric';

/** A metric that is the weighted mean of a per-sample (or per-element) function. */
export abstract class MeanMetricWrapper extends Metric {
  private readonly mean = new Mean();

  /** Per-sample or per-element values, e.g. 1 for a correct prediction and 0 otherwise. */
  protected abstract values(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor;

  updateState(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor | null): void {
    const values = this.values(yTrue, yPred);
    try {
      this.mean.updateState(values, sampleWeight);
    } finally {
      values.dispose();
    }
  }

  result(): number {
    return this.mean.result();
  }

  resetState(): void {
    this.mean.resetState();
  }

  getState(): number[] {
    return this.mean.getState();
  }

  setState(values: number[]): void {
    this.mean.setState(values);
  }
}
