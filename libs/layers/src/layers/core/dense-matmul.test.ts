import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's CJS bundle registers no gradients; tfjs-layers' bundle does.
import '@tensorflow/tfjs-layers';
import { hasGemm } from '../../ops/linear';
import { layerValuesOn, seededWeights, worstRelativeError } from '../../testing/compare-backends';
import { Dense, type DenseArgs } from './dense';

/**
 * On wasm with weft's kernels Dense runs on gemm in both directions (ops/linear.ts); on cpu on
 * tf.fused.matMul. Outputs and the gradients of input, kernel and bias must agree.
 */
describe('Dense on gemm (wasm) against tf.fused.matMul (cpu)', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each<[string, DenseArgs, number[]]>([
    ['relu (fused into linear)', { units: 6, activation: 'relu' }, [5, 7]],
    ['softmax, after linear', { units: 3, activation: 'softmax' }, [4, 9]],
    ['tanh, no bias, rank-3 input', { units: 5, activation: 'tanh', useBias: false }, [2, 3, 4]],
    ['linear, one unit', { units: 1 }, [8, 10]],
  ])('%s: same outputs and gradients', async (_name, args, shape) => {
    const make = () => new Dense(args);
    const weights = await seededWeights(make, shape, 30);
    const input = { values: Float32Array.from(tf.randomUniform(shape, -1, 1, 'float32', 4).dataSync()), shape };
    const cpu = await layerValuesOn('cpu', make, input, weights);
    expect(hasGemm()).toBe(false);
    const wasm = await layerValuesOn('wasm', make, input, weights);
    expect(hasGemm()).toBe(true);
    cpu.forEach((v, i) => expect(worstRelativeError(wasm[i], v)).toBeLessThan(1e-5));
  });
});
