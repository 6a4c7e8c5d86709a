import * as tf from '@tensorflow/tfjs-core';
import { maxOverSteps } from '@weft/tensor';
import { Layer, type CallArgs, type LayerArgs, type MaskArg, type Tensors } from '../../engine/layer';
import { singleShape, type Shape } from '../../engine/shape';
import { checkDataFormat } from '../convolutional/conv-utils';

export interface GlobalPoolingArgs extends LayerArgs {
  /** Keep the pooled axes as size 1. */
  keepdims?: boolean;
  dataFormat?: 'channelsLast' | 'channels_last';
}

/**
 * Max or average over every spatial axis, channels last. The 1D versions honour a [batch, steps]
 * mask: masked steps take no part (a sample with every step masked pools to zeros).
 */
export abstract class BaseGlobalPooling extends Layer {
  readonly keepdims: boolean;

  constructor(
    private readonly rank: number,
    private readonly kind: 'max' | 'avg',
    args: GlobalPoolingArgs = {},
  ) {
    super(args);
    this.keepdims = args.keepdims ?? false;
    checkDataFormat(args.dataFormat, (this.constructor as typeof Layer).className);
    this.inputSpec = { ndim: rank + 2 };
    this.supportsMasking = rank === 1;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.name);
    const channels = shape[shape.length - 1];
    return this.keepdims ? [shape[0], ...shape.slice(1, -1).map(() => 1), channels] : [shape[0], channels];
  }

  override computeMask(_inputs: Tensors, _mask?: MaskArg): MaskArg {
    return null;
  }

  call(inputs: Tensors, args: CallArgs): Tensors {
    return tf.tidy(() => {
      let x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x.dtype !== 'float32') x = tf.cast(x, 'float32');
      const axes = Array.from({ length: this.rank }, (_, i) => i + 1);
      const mask = (Array.isArray(args.mask) ? args.mask[0] : args.mask) ?? null;
      // Over steps, max with its gradient as one kernel on wasm (maxOverSteps).
      const max = (t: tf.Tensor) => (this.rank === 1 ? maxOverSteps(t as tf.Tensor3D, this.keepdims) : tf.max(t, axes, this.keepdims));
      if (!mask || this.rank !== 1) {
        return this.kind === 'max' ? max(x) : tf.mean(x, axes, this.keepdims);
      }
      const weights = tf.expandDims(tf.cast(mask, 'float32'), 2); // [batch, steps, 1]
      const anyReal = tf.greater(tf.sum(weights, 1, this.keepdims), 0);
      if (this.kind === 'avg') {
        const count = tf.maximum(tf.sum(weights, 1, this.keepdims), 1);
        return tf.div(tf.sum(tf.mul(x, weights), 1, this.keepdims), count);
      }
      const real = tf.cast(tf.tile(weights, [1, 1, x.shape[2] as number]), 'bool');
      const pooled = max(tf.where(real, x, tf.fill(x.shape, -Infinity)));
      return tf.where(tf.broadcastTo(anyReal, pooled.shape), pooled, tf.zerosLike(pooled));
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), keepdims: this.keepdims, dataFormat: 'channelsLast' };
  }
}
