import * as tf from '@tensorflow/tfjs-core';
import { alignWeight, matchShapes } from '../losses/loss';
import { Metric, checkStateLength, divideNoNan, type MetricArgs } from './metric';

export interface ConfusionArgs {
  /** Only this class (last-axis index) is scored. */
  classId?: number;
  /** Only the k highest predictions of each sample count as positive candidates. */
  topK?: number;
}

export interface FlatBatch {
  labels: Float32Array;
  preds: Float32Array;
  weights: Float32Array;
}

/**
 * Brings a batch to flat per-element labels, predictions and weights on the host, the way Keras's
 * update_confusion_matrix_variables sees them (labels are positive when non-zero).
 */
export function flattenBatch(
  metricName: string, yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight: tf.Tensor | null | undefined,
  args: ConfusionArgs,
): FlatBatch {
  const [labels, preds, weights] = tf.tidy(() => {
    let [t, p] = matchShapes(metricName, yTrue, yPred);
    if (args.topK !== undefined) {
      // Exactly k per sample, ties going to the lower index, as with Keras's top_k filter.
      const classes = p.shape[p.rank - 1];
      const kept = tf.sum(tf.oneHot(tf.topk(p, Math.min(args.topK, classes)).indices, classes), -2);
      p = tf.where(tf.greater(kept, 0), p, tf.fill(p.shape, -Infinity));
    }
    let w: tf.Tensor = sampleWeight ? alignWeight(tf.cast(sampleWeight, 'float32'), p, metricName) : tf.scalar(1);
    w = tf.broadcastTo(w, p.shape);
    if (args.classId !== undefined) {
      const pick = (x: tf.Tensor) => tf.squeeze(tf.slice(x, [...x.shape.slice(0, -1).map(() => 0), args.classId!],
        [...x.shape.slice(0, -1), 1]), [x.rank - 1]);
      [t, p, w] = [pick(t), pick(p), pick(w)];
    }
    return [tf.reshape(t, [-1]), tf.reshape(p, [-1]), tf.reshape(w, [-1])];
  });
  const batch = {
    labels: labels.dataSync() as Float32Array,
    preds: preds.dataSync() as Float32Array,
    weights: weights.dataSync() as Float32Array,
  };
  tf.dispose([labels, preds, weights]);
  return batch;
}

export interface PrecisionArgs extends MetricArgs, ConfusionArgs {
  /** A prediction above this counts as positive (default 0.5). */
  threshold?: number;
}

/**
 * Precision and Recall: truePositives / (truePositives + misses), over the elements of
 * flattenBatch. An element is predicted positive above `threshold` and actually positive when its
 * label is non-zero; which of the others count as misses is the subclass's call.
 */
export abstract class TruePositiveRatio extends Metric {
  readonly threshold: number;
  readonly classId?: number;
  readonly topK?: number;
  private truePositives = 0;
  private misses = 0;

  constructor(args: PrecisionArgs, defaultName: string) {
    super(args, defaultName);
    this.threshold = args.threshold ?? 0.5;
    this.classId = args.classId;
    this.topK = args.topK;
  }

  /** Whether an element that is not a true positive counts against the ratio. */
  protected abstract isMiss(actual: boolean, predicted: boolean): boolean;

  updateState(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor | null): void {
    const { labels, preds, weights } = flattenBatch(this.name, yTrue, yPred, sampleWeight, this);
    for (let i = 0; i < preds.length; i++) {
      const actual = labels[i] !== 0;
      const predicted = preds[i] > this.threshold;
      if (actual && predicted) this.truePositives += weights[i];
      else if (this.isMiss(actual, predicted)) this.misses += weights[i];
    }
  }

  result(): number {
    return divideNoNan(this.truePositives, this.truePositives + this.misses);
  }

  resetState(): void {
    this.truePositives = 0;
    this.misses = 0;
  }

  getState(): number[] {
    return [this.truePositives, this.misses];
  }

  setState(values: number[]): void {
    checkStateLength(this, values, 2);
    [this.truePositives, this.misses] = values;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), threshold: this.threshold, classId: this.classId, topK: this.topK };
  }
}
