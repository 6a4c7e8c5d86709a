import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
// tfjs-core's CJS bundle registers no gradients; tfjs-layers' bundle does.
import '@tensorflow/tfjs-layers';
import { hasGemm } from '../../ops/linear';
import { Conv1D, type Conv1DArgs } from './conv1d';

/**
 * On wasm with weft's kernels Conv1D runs as im2col + gemm (ops/im2col.ts, ops/linear.ts); on cpu as
 * tf.conv1d / fused conv2d. Outputs and the gradients of input, kernel and bias must agree.
 */
async function run(backend: 'cpu' | 'wasm', args: Conv1DArgs, x: Float32Array, shape: [number, number, number], weights: Float32Array[]) {
  await initBackend(backend);
  const layer = new Conv1D(args);
  layer.build([null, shape[1], shape[2]]);
  layer.setWeights(weights.map((w, i) => tf.tensor(w, layer.getWeights()[i].shape)));
  const input = tf.tensor3d(x, shape);
  const variables = layer.trainableWeights.map((w) => w.variable);
  const result = tf.tidy(() => {
    const probe = (xIn: tf.Tensor) => {
      const y = layer.apply(xIn) as tf.Tensor;
      // A fixed random projection of the output, so that every element's gradient matters.
      return tf.sum(tf.mul(y, tf.randomUniform(y.shape, -1, 1, 'float32', 9)));
    };
    const { grads } = tf.variableGrads(() => probe(input) as tf.Scalar, variables);
    const dx = tf.grad(probe)(input);
    return [layer.apply(input) as tf.Tensor, dx, ...variables.map((v) => grads[v.name])];
  });
  const values = result.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose([...result, input]);
  layer.dispose();
  return { values, usedGemm: hasGemm() };
}

function worstRelative(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

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
    const shape: [number, number, number] = [3, 11, 5];
    await initBackend('cpu');
    const probe = new Conv1D(args);
    probe.build([null, shape[1], shape[2]]);
    const weights = probe.getWeights().map((w, i) => Float32Array.from(tf.randomUniform(w.shape, -0.5, 0.5, 'float32', 20 + i).dataSync()));
    probe.dispose();
    const x = Float32Array.from(tf.randomUniform(shape, -1, 1, 'float32', 3).dataSync());
    const cpu = await run('cpu', args, x, shape, weights);
    const wasm = await run('wasm', args, x, shape, weights);
    expect(cpu.usedGemm).toBe(false);
    expect(wasm.usedGemm).toBe(true);
    expect(wasm.values.length).toBe(cpu.values.length);
    cpu.values.forEach((v, i) => expect(worstRelative(wasm.values[i], v)).toBeLessThan(1e-5));
  });
});
