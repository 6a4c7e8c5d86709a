import * as tf from '@tensorflow/tfjs-core';
import { registerLayer } from '../../engine/registry';
import { BaseConv, type BaseConvArgs } from './base-conv';

export type Conv3DArgs = BaseConvArgs;

/** 3D convolution over [batch, depth, rows, cols, channels]. */
export class Conv3D extends BaseConv {
  static override className = 'Conv3D';

  constructor(args: Conv3DArgs) {
    super(3, args);
  }

  protected convolve(x: tf.Tensor, kernel: tf.Tensor, _fused: null): tf.Tensor {
    return tf.conv3d(
      x as tf.Tensor5D,
      kernel as tf.Tensor5D,
      this.strides as [number, number, number],
      this.padding as 'valid' | 'same',
      'NDHWC',
    );
  }
}
registerLayer(Conv3D);

export const conv3d = (args: Conv3DArgs) => new Conv3D(args);
