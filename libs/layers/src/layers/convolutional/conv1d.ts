import * as tf from '@tensorflow/tfjs-core';
import { registerLayer } from '../../engine/registry';
import { BaseConv, type BaseConvArgs } from './base-conv';

export type Conv1DArgs = BaseConvArgs;

/** 1D convolution over [batch, steps, channels]; padding 'causal' for temporal models (WaveNet). */
export class Conv1D extends BaseConv {
  static override className = 'Conv1D';

  constructor(args: Conv1DArgs) {
    super(1, args);
  }

  protected convolve(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    let input = x as tf.Tensor3D;
    let padding: 'valid' | 'same' = this.padding === 'same' ? 'same' : 'valid';
    if (this.padding === 'causal') {
      input = tf.pad(input, [[0, 0], [this.dilationRate[0] * (this.kernelSize[0] - 1), 0], [0, 0]]);
      padding = 'valid';
    }
    return tf.conv1d(input, kernel as tf.Tensor3D, this.strides[0], padding, 'NWC');
  }
}
registerLayer(Conv1D);

export const conv1d = (args: Conv1DArgs) => new Conv1D(args);
