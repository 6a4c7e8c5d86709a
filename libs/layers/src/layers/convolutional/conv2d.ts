import * as tf from '@tensorflow/tfjs-core';
import { registerLayer } from '../../engine/registry';
import { BaseConv, type BaseConvArgs, type FusedEpilogue } from './base-conv';

export type Conv2DArgs = BaseConvArgs;

/** 2D convolution over [batch, rows, cols, channels]. */
export class Conv2D extends BaseConv {
  static override className = 'Conv2D';

  constructor(args: Conv2DArgs) {
    super(2, args);
  }

  protected override readonly fusesEpilogue = true;

  protected convolve(x: tf.Tensor, kernel: tf.Tensor, fused: FusedEpilogue | null): tf.Tensor {
    const strides = this.strides as [number, number];
    const pad = this.padding as 'valid' | 'same';
    if (!fused) return tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, strides, pad, 'NHWC');
    return tf.fused.conv2d({
      x: x as tf.Tensor4D,
      filter: kernel as tf.Tensor4D,
      strides,
      pad,
      dataFormat: 'NHWC',
      bias: fused.bias ?? undefined,
      activation: fused.activation,
    });
  }
}
registerLayer(Conv2D);

export const conv2d = (args: Conv2DArgs) => new Conv2D(args);
