import * as tf from '@tensorflow/tfjs-core';
import { crossentropy } from './categorical-crossentropy';
import { Loss, type LossArgs } from './loss';

export interface SparseCategoricalCrossentropyArgs extends LossArgs {
  fromLogits?: boolean;
}

/** Categorical crossentropy with integer class labels: yTrue [batch(, steps)(, 1)]. */
export class SparseCategoricalCrossentropy extends Loss {
  static override className = 'SparseCategoricalCrossentropy';
  override readonly fromLogits: boolean;

  constructor(args: SparseCategoricalCrossentropyArgs = {}) {
    super(args, 'sparseCategoricalCrossentropy');
    this.fromLogits = args.fromLogits ?? false;
  }

  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let labels = yTrue;
      if (labels.rank === yPred.rank && labels.shape[labels.rank - 1] === 1) {
        labels = tf.squeeze(labels, [labels.rank - 1]);
      }
      if (yPred.rank < 1 || !tf.util.arraysEqual(labels.shape, yPred.shape.slice(0, -1))) {
        throw new Error(
          `${this.name} expects integer labels of yPred's shape without its last (class) axis. ` +
            `Received: yTrue [${yTrue.shape}], yPred [${yPred.shape}]`,
        );
      }
      const classes = yPred.shape[yPred.rank - 1];
      const ids = tf.cast(labels, 'int32');
      checkLabelRange(this.name, ids, classes);
      return crossentropy(tf.oneHot(ids, classes), yPred, this.fromLogits);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fromLogits: this.fromLogits };
  }
}

/** Labels are a small int tensor: reading them back is cheap and catches silent zero losses. */
function checkLabelRange(lossName: string, ids: tf.Tensor, classes: number): void {
  const values = ids.dataSync();
  for (const v of values) {
    if (v < 0 || v >= classes) {
      throw new Error(
        `${lossName}: label ${v} is out of range for ${classes} classes (valid labels: 0..${classes - 1}). ` +
          `Check the labels, or give the output layer more units.`,
      );
    }
  }
}

export const sparseCategoricalCrossentropy = (args?: SparseCategoricalCrossentropyArgs) =>
  new SparseCategoricalCrossentropy(args);
