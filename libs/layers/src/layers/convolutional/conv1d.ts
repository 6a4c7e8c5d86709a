import * as tf from '@tensorflow/tfjs-core';
import { hasIm2Col, im2col1d } from '@weft/tensor';
import { registerLayer } from '../../engine/registry';
import { hasGemm, linear } from '../../ops/linear';
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
    if (hasGemm() && hasIm2Col()) return this.convolveAsMatMul(input, kernel as tf.Tensor3D, padding, fused);
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

  /**
   * The convolution as one matmul of the input's patches with the kernel (im2col), where the
   * backend has weft's gemm: on wasm that beats the stock convolution and its two gradient kernels
   * (tools/src/bench/layers-speed.ts). `kernel` is already dilated.
   */
  private convolveAsMatMul(x: tf.Tensor3D, kernel: tf.Tensor3D, padding: 'valid' | 'same', fused: FusedEpilogue | null): tf.Tensor {
    const [taps, channels, filters] = kernel.shape;
    const stride = this.strides[0];
    let input = x;
    if (padding === 'same') {
      // TensorFlow's 'same': ceil(L / stride) outputs, the odd padding row at the end.
      const length = x.shape[1];
      const total = Math.max((Math.ceil(length / stride) - 1) * stride + taps - length, 0);
      input = tf.pad(x, [[0, 0], [Math.floor(total / 2), total - Math.floor(total / 2)], [0, 0]]);
    }
    const patches = im2col1d(input, taps, stride);
    const y = linear(patches, tf.reshape(kernel, [taps * channels, filters]), (fused?.bias as tf.Tensor1D | null) ?? null, fused?.activation);
    return tf.reshape(y, [x.shape[0], patches.shape[0] / x.shape[0], filters]);
  }
}
registerLayer(Conv1D);

export const conv1d = (args: Conv1DArgs) => new Conv1D(args);
