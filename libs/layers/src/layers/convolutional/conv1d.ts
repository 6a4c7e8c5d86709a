import * as tf from '@tensorflow/tfjs-core';
import { registerLayer } from '../../engine/registry';
import { BaseConv, type BaseConvArgs, type FusedEpilogue } from './base-conv';

export type Conv1DArgs = BaseConvArgs;

/** 1D convolution over [batch, steps, channels]; padding 'causal' for temporal models (WaveNet). */
export class Conv1D extends BaseConv {
  static override className = 'Conv1D';

  constructor(args: Conv1DArgs) {
    super(1, args);
  }

  protected override readonly fusesEpilogue = true;

  protected convolve(x: tf.Tensor, kernel: tf.Tensor, fused: FusedEpilogue | null): tf.Tensor {
    let input = x as tf.Tensor3D;
    let padding: 'valid' | 'same' = this.padding === 'same' ? 'same' : 'valid';
    if (this.padding === 'causal') {
      input = tf.pad(input, [[0, 0], [this.dilationRate[0] * (this.kernelSize[0] - 1), 0], [0, 0]]);
      padding = 'valid';
    }
    if (!fused) return tf.conv1d(input, kernel as tf.Tensor3D, this.strides[0], padding, 'NWC');
    // As a one-row 2D convolution, which has a fused bias/activation kernel.
    const y = tf.fused.conv2d({
      x: tf.expandDims(input, 1) as tf.Tensor4D,
      filter: tf.expandDims(kernel, 0) as tf.Tensor4D,
      strides: [1, this.strides[0]],
      pad: padding,
      dataFormat: 'NHWC',
      bias: fused.bias ?? undefined,
      activation: fused.activation,
    });
    return tf.squeeze(y, [1]);
  }
}
registerLayer(Conv1D);

export const conv1d = (args: Conv1DArgs) => new Conv1D(args);
