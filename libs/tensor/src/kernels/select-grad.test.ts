import * as tf from '@tensorflow/tfjs-core';
import { randomValues, runOn } from './kernel-test-utils';
import { maxOverSteps, reluGradFromOutput } from './select-grad';

/** Values with -0 read as 0: the kernels select 0 where tf ops multiply by 0 (giving -0 for negative dy). */
const plain = (v: Float32Array) => Array.from(v, (x) => (x === 0 ? 0 : x));

describe('select gradients (WeftReluGrad, WeftMaxStepsGrad) on wasm against tf ops on cpu', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([[1], [3], [4], [7], [4097]])('reluGradFromOutput over %i elements (SIMD body and scalar tail)', async (n) => {
    // Zeros, positives and (as a check of the condition) negatives.
    const yv = randomValues(n, n).map((v) => (v < -0.3 ? 0 : v));
    const dyv = randomValues(n, n + 1);
    const f = () => reluGradFromOutput(tf.tensor1d(dyv), tf.tensor1d(yv));
    const [cpu] = await runOn('cpu', f);
    const [wasm] = await runOn('wasm', f);
    expect(plain(wasm)).toEqual(plain(cpu));
    expect(plain(wasm)).toEqual(plain(Float32Array.from(yv, (v, i) => (v > 0 ? dyv[i] : 0))));
  });

  it.each([
    [2, 5, 4],
    [3, 7, 6],
    [1, 1, 1],
    [4, 9, 250],
  ])('maxOverSteps [%i, %i, %i]: value and gradient, ties included (every tied position gets dy)', async (b, t, c) => {
    // Rounded values make ties common; whole rows of zeros tie everywhere, as relu outputs do.
    const xv = randomValues(b * t * c, 3).map((v, i) => (Math.floor(i / c) % 3 === 0 ? 0 : Math.round(v * 3) / 3));
    const dyv = randomValues(b * c, 4);
    const f = () => {
      const x = tf.tensor3d(xv, [b, t, c]);
      const probe = (input: tf.Tensor) => tf.sum(tf.mul(maxOverSteps(input as tf.Tensor3D), tf.tensor2d(dyv, [b, c])));
      return [maxOverSteps(x), tf.grad(probe)(x), maxOverSteps(x, true)];
    };
    const cpu = await runOn('cpu', f);
    const wasm = await runOn('wasm', f);
    cpu.forEach((v, i) => expect(plain(wasm[i])).toEqual(plain(v)));
    // And tfjs's own Max gradient agrees.
    const [stock] = await runOn('cpu', () => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.max(x, 1), tf.tensor2d(dyv, [b, c]))))(tf.tensor3d(xv, [b, t, c])));
    expect(plain(cpu[1])).toEqual(plain(stock));
  });
});
