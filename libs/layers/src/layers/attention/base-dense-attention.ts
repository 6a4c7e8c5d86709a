import * as tf from '@tensorflow/tfjs-core';
import { dropoutMask } from '@weft/tensor';
import { Layer, type CallArgs, type LayerArgs, type MaskArg, type Tensors } from '../../engine/layer';
import { isShapeList, shapeToString, type Shape } from '../../engine/shape';
import { assertRate } from '../../engine/validate';
import { causalMask, combineMasks, maskAt, maskedSoftmax } from './attention-masks';

export interface BaseDenseAttentionArgs extends LayerArgs {
  /** Dropout on the attention weights while training. */
  dropout?: number;
}

/**
 * Shared by Attention and AdditiveAttention (Keras's dense attention): inputs [query, value] or
 * [query, value, key] of shapes [B, Tq, D], [B, Tv, D], [B, Tv, D]; output [B, Tq, D]. Masks
 * [queryMask, valueMask]: masked value steps get zero weight, masked query steps output zeros.
 * Call arguments: useCausalMask, returnAttentionScores (then the output is [output, weights]).
 */
export abstract class BaseDenseAttention extends Layer {
  readonly dropout: number;

  constructor(args: BaseDenseAttentionArgs = {}) {
    super(args);
    this.dropout = assertRate(args.dropout ?? 0, 'dropout', (this.constructor as typeof Layer).className);
    this.supportsMasking = true;
  }

  /** Scores [B, Tq, Tv] of every query step against every key step. */
  protected abstract scores(query: tf.Tensor3D, key: tf.Tensor3D): tf.Tensor3D;

  protected inputShapes(inputShape: Shape | Shape[]): Shape[] {
    if (!isShapeList(inputShape) || inputShape.length < 2 || inputShape.length > 3) {
      throw new Error(
        `${this.getClassName()} '${this.name}' expects inputs [query, value] or [query, value, key]. Received: input shape ${shapeToString(inputShape)}`,
      );
    }
    return inputShape;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [query, value] = this.inputShapes(inputShape);
    return [...query.slice(0, -1), value[value.length - 1]];
  }

  override computeMask(_inputs: Tensors, mask?: MaskArg): MaskArg {
    const queryMask = Array.isArray(mask) ? mask[0] ?? null : null;
    return queryMask ? queryMask.clone() : null;
  }

  call(inputs: Tensors, args: CallArgs): Tensors {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length < 2 || inputs.length > 3) {
        throw new Error(`${this.getClassName()} '${this.name}' expects inputs [query, value] or [query, value, key].`);
      }
      const [query, value, key = value] = inputs as tf.Tensor3D[];
      const queryMask = maskAt(args.mask, 0);
      const valueMask = maskAt(args.mask, 1);
      const scores = this.scores(query, key);
      const allowed = combineMasks(
        valueMask ? tf.expandDims(valueMask, 1) : null,
        args.useCausalMask ? tf.expandDims(causalMask(query.shape[1], value.shape[1]), 0) : null,
      );
      let weights = maskedSoftmax(scores, allowed);
      if (args.training && this.dropout > 0) weights = tf.mul(weights, dropoutMask(weights.shape, this.dropout));
      let output: tf.Tensor = tf.matMul(weights as tf.Tensor3D, value);
      if (queryMask) output = tf.mul(output, tf.expandDims(tf.cast(queryMask, 'float32'), 2));
      return args.returnAttentionScores ? [output, weights] : output;
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dropout: this.dropout };
  }
}
