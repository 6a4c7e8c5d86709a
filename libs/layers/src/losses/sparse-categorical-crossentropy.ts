import * as tf from '@tensorflow/tfjs-core';
import { crossentropy } from './categorical-crossentropy';
import { Loss, type LossArgs } from './loss';

export interface SparseCategoricalCrossentropyArgs extends LossArgs {
  fromLogits?: boolean;
  /** A label value (e.g. the padding tag) that contributes no loss and is left out of the mean. */
  ignoreClass?: number | null;
}

/** Categorical crossentropy with integer class labels: yTrue [batch(, steps)(, 1)]. */
export class SparseCategoricalCrossentropy extends Loss {
  static override className = 'SparseCategoricalCrossentropy';
  override readonly fromLogits: boolean;
  readonly ignoreClass: number | null;

  constructor(args: SparseCategoricalCrossentropyArgs = {}) {
    super(args, 'sparseCategoricalCrossentropy');
    this.fromLogits = args.fromLogits ?? false;
    this.ignoreClass = args.ignoreClass ?? null;
  }

  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const labels = this.labels(yTrue, yPred);
      const classes = yPred.shape[yPred.rank - 1];
      let ids = tf.cast(labels, 'int32');
      const valid = this.ignoreClass === null ? null : tf.notEqual(ids, this.ignoreClass);
      if (valid) ids = tf.where(valid, ids, tf.zerosLike(ids));
      checkLabelRange(this.name, ids, classes);
      const losses = crossentropy(tf.oneHot(ids, classes), yPred, this.fromLogits);
      return valid ? tf.where(valid, losses, tf.zerosLike(losses)) : losses;
    });
  }

  /** With ignoreClass, ignored positions are masked: the mean is over the other labels (Keras 3). */
  override apply(
    yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor | null, mask?: tf.Tensor | null,
  ): tf.Scalar {
    if (this.ignoreClass === null) return super.apply(yTrue, yPred, sampleWeight, mask);
    const valid = tf.tidy(() => {
      const v = tf.cast(tf.notEqual(tf.cast(this.labels(yTrue, yPred), 'int32'), this.ignoreClass!), 'float32');
      return mask ? tf.mul(v, tf.cast(mask, 'float32')) : v;
    });
    try {
      return super.apply(yTrue, yPred, sampleWeight, valid);
    } finally {
      valid.dispose();
    }
  }

  private labels(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
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
    return labels;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fromLogits: this.fromLogits, ignoreClass: this.ignoreClass };
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
