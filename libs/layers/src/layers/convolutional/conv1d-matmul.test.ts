import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's CJS bundle registers no gradients; tfjs-layers' bundle does.
import '@tensorflow/tfjs-layers';
import { hasGemm } from '../../ops/linear';
import { layerValuesOn, seededWeights, worstRelativeError } from '../../testing/compare-backends';
import { Conv1D, type Conv1DArgs } from './conv1d';

/**
 * On wasm with weft's kernels Conv1D runs as im2col + gemm (WeftIm2Col1D, ops/linear.ts); on cpu as
 * tf.conv1d / fused conv2d. Outputs and the gradients of input, kernel and bias must agree.
 */
describe('Conv1D as im2col + gemm on wasm, against tf.conv1d on cpu', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each<[string, Conv1DArgs]>([
    ['valid, relu (fused epilogue)', { filters: 6, kernelSize: 3, activation: 'relu' }],
    ['same, stride 2, tanh', { filters: 5, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }],
    ['causal, dilation 2', { filters: 4, kernelSize: 3, padding: 'causal', dilationRate: 2 }],
    ['valid, stride 3, no bias', { filters: 7, kernelSize: 2, strides: 3, useBias: false }],
    ['kernel size 1', { filters: 3, kernelSize: 1 }],
  ])('%s: same outputs and gradients', async (_name, args) => {
    const shape = [3, 11, 5];
    const make = () => new Conv1D(args);
    const weights = await seededWeights(make, shape, 20);
    const input = { values: Float32Array.from(tf.randomUniform(shape, -1, 1, 'float32', 3).dataSync()), shape };
    const cpu = await layerValuesOn('cpu', make, input, weights);
    expect(hasGemm()).toBe(false);
    const wasm = await layerValuesOn('wasm', make, input, weights);
    expect(hasGemm()).toBe(true);
    expect(wasm.length).toBe(cpu.length);
    cpu.forEach((v, i) => expect(worstRelativeError(wasm[i], v)).toBeLessThan(1e-5));
  });
});
