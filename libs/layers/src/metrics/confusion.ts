import * as tf from '@tensorflow/tfjs-core';
import { alignWeight, matchShapes } from '../losses/loss';

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
