import * as tf from '@tensorflow/tfjs-core';
import type { Constraint, Regularizer } from './leaf-modules';

/**
 * A layer's weight: a tf.Variable plus what training needs to know about it. `name` is the
 * weight's path in its model ("dense/kernel"), unique in a model and identical wherever the model
 * is rebuilt from its config, so optimizer slots and saved weights are keyed by it.
 * `sparseGradient` says that a batch's gradient is usually zero in most rows (an Embedding's table:
 * only the rows it looked up), so a data-parallel distribution may exchange those rows alone.
 */
export class LayerVariable {
  readonly variable: tf.Variable;

  constructor(
    readonly name: string,
    initialValue: tf.Tensor,
    public trainable: boolean,
    readonly constraint: Constraint | null = null,
    readonly regularizer: Regularizer | null = null,
    readonly sparseGradient = false,
  ) {
    // tf.variable names are global to the process; leave them to tfjs so that rebuilt copies of a
    // model can live side by side.
    this.variable = tf.variable(initialValue, trainable);
  }

  get shape(): number[] {
    return this.variable.shape;
  }

  get dtype(): tf.DataType {
    return this.variable.dtype;
  }

  read(): tf.Variable {
    return this.variable;
  }

  assign(value: tf.Tensor): void {
    if (!tf.util.arraysEqual(value.shape, this.variable.shape)) {
      throw new Error(
        `Cannot assign to weight '${this.name}': expected shape [${this.variable.shape}]. Received: shape=[${value.shape}]`,
      );
    }
    this.variable.assign(value.dtype === this.variable.dtype ? value : tf.cast(value, this.variable.dtype));
  }

  dispose(): void {
    this.variable.dispose();
  }
}
