import * as tf from '@tensorflow/tfjs-core';

/**
 * 1 where the target class is among the k highest predictions, else 0. As in TensorFlow's
 * in_top_k, ties at the boundary count as in: fewer than k classes score strictly higher.
 */
export function inTopK(targets: tf.Tensor, yPred: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => {
    const classes = yPred.shape[yPred.rank - 1];
    const targetScore = tf.sum(tf.mul(yPred, tf.oneHot(targets, classes)), -1, true);
    const higher = tf.sum(tf.cast(tf.greater(yPred, targetScore), 'int32'), -1);
    return tf.cast(tf.less(higher, k), 'float32');
  });
}
