import * as tf from '@tensorflow/tfjs-core';

/** Integer labels shaped like yPred without its class axis ([batch, 1] is squeezed). */
export function sparseLabels(metricName: string, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  let labels = yTrue;
  if (labels.rank === yPred.rank && labels.shape[labels.rank - 1] === 1) labels = tf.squeeze(labels, [labels.rank - 1]);
  if (!tf.util.arraysEqual(labels.shape, yPred.shape.slice(0, -1))) {
    throw new Error(
      `${metricName} expects integer labels of yPred's shape without its last (class) axis. ` +
        `Received: yTrue [${yTrue.shape}], yPred [${yPred.shape}]`,
    );
  }
  return tf.cast(labels, 'int32');
}
