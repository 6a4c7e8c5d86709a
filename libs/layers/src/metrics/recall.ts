import type * as tf from '@tensorflow/tfjs-core';
import { flattenBatch } from './confusion';
import { Metric, checkStateLength, divideNoNan } from './metric';
import type { PrecisionArgs } from './precision';

/** truePositives / (truePositives + falseNegatives). */
export class Recall extends Metric {
  static override className = 'Recall';
  readonly threshold: number;
  readonly classId?: number;
  readonly topK?: number;
  private truePositives = 0;
  private falseNegatives = 0;

  constructor(args: PrecisionArgs = {}) {
    super(args, 'recall');
    this.threshold = args.threshold ?? 0.5;
    this.classId = args.classId;
    this.topK = args.topK;
  }

  updateState(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor | null): void {
    const { labels, preds, weights } = flattenBatch(this.name, yTrue, yPred, sampleWeight, this);
    for (let i = 0; i < preds.length; i++) {
      if (labels[i] === 0) continue;
      if (preds[i] > this.threshold) this.truePositives += weights[i];
      else this.falseNegatives += weights[i];
    }
  }

  result(): number {
    return divideNoNan(this.truePositives, this.truePositives + this.falseNegatives);
  }

  resetState(): void {
    this.truePositives = 0;
    this.falseNegatives = 0;
  }

  getState(): number[] {
    return [this.truePositives, this.falseNegatives];
  }

  setState(values: number[]): void {
    checkStateLength(this, values, 2);
    [this.truePositives, this.falseNegatives] = values;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), threshold: this.threshold, classId: this.classId, topK: this.topK };
  }
}

export const recall = (args?: PrecisionArgs) => new Recall(args);
