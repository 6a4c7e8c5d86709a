import type * as tf from '@tensorflow/tfjs-core';
import { flattenBatch, type ConfusionArgs } from './confusion';
import { Metric, checkStateLength, divideNoNan, type MetricArgs } from './metric';

export interface PrecisionArgs extends MetricArgs, ConfusionArgs {
  /** A prediction above this counts as positive (default 0.5). */
  threshold?: number;
}

/** truePositives / (truePositives + falsePositives). */
export class Precision extends Metric {
  static override className = 'Precision';
  readonly threshold: number;
  readonly classId?: number;
  readonly topK?: number;
  private truePositives = 0;
  private falsePositives = 0;

  constructor(args: PrecisionArgs = {}) {
    super(args, 'precision');
    this.threshold = args.threshold ?? 0.5;
    this.classId = args.classId;
    this.topK = args.topK;
  }

  updateState(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor | null): void {
    const { labels, preds, weights } = flattenBatch(this.name, yTrue, yPred, sampleWeight, this);
    for (let i = 0; i < preds.length; i++) {
      if (!(preds[i] > this.threshold)) continue;
      if (labels[i] !== 0) this.truePositives += weights[i];
      else this.falsePositives += weights[i];
    }
  }

  result(): number {
    return divideNoNan(this.truePositives, this.truePositives + this.falsePositives);
  }

  resetState(): void {
    this.truePositives = 0;
    this.falsePositives = 0;
  }

  getState(): number[] {
    return [this.truePositives, this.falsePositives];
  }

  setState(values: number[]): void {
    checkStateLength(this, values, 2);
    [this.truePositives, this.falsePositives] = values;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), threshold: this.threshold, classId: this.classId, topK: this.topK };
  }
}

export const precision = (args?: PrecisionArgs) => new Precision(args);
