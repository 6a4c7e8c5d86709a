import * as tf from '@tensorflow/tfjs-core';
import { registerLayer } from '../../engine/registry';
import { BaseConv, type BaseConvArgs } from './base-conv';

export type Conv2DArgs = BaseConvArgs;

/** 2D convolution over [batch, rows, cols, channels]. */
export class Conv2D extends BaseConv {
  static override className = 'Conv2D';

  constructor(args: Conv2DArgs) {
    super(2, args);
  }

  protected convolve(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    return tf.conv2d(
      x as tf.Tensor4D,
      kernel as tf.Tensor4D,
      this.strides as [number, number],
      this.padding as 'valid' | 'same',
      'NHWC',
    );
  }
}
registerLayer(Conv2D);

export const conv2d = (args: Conv2DArgs) => new Conv2D(args);
