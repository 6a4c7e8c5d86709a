import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
// tfjs-core's CJS bundle registers no gradients; tfjs-layers' bundle does.
import '@tensorflow/tfjs-layers';
import { hasGemm } from '../../ops/linear';
import { Dense, type DenseArgs } from './dense';

/**
 * On wasm with weft's kernels Dense runs on gemm in both directions (ops/linear.ts); on cpu on
 * tf.fused.matMul. Outputs and the gradients of input, kernel and bias must agree.
 */
async function run(backend: 'cpu' | 'wasm', args: DenseArgs, x: Float32Array, shape: number[], weights: Float32Array[]) {
  await initBackend(backend);
  const layer = new Dense(args);
  layer.build([null, ...shape.slice(1)]);
  layer.setWeights(weights.map((w, i) => tf.tensor(w, layer.getWeights()[i].shape)));
  const input = tf.tensor(x, shape);
  const variables = layer.trainableWeights.map((w) => w.variable);
  const result = tf.tidy(() => {
    const probe = (xIn: tf.Tensor) => {
      const y = layer.apply(xIn) as tf.Tensor;
      return tf.sum(tf.mul(y, tf.randomUniform(y.shape, -1, 1, 'float32', 9)));
    };
    const { grads } = tf.variableGrads(() => probe(input) as tf.Scalar, variables);
    return [layer.apply(input) as tf.Tensor, tf.grad(probe)(input), ...variables.map((v) => grads[v.name])];
  });
  const values = result.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose([...result, input]);
  layer.dispose();
  return { values, usedGemm: hasGemm() };
}

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
    await initBackend('cpu');
    const probe = new Dense(args);
    probe.build([null, ...shape.slice(1)]);
    const weights = probe.getWeights().map((w, i) => Float32Array.from(tf.randomUniform(w.shape, -0.5, 0.5, 'float32', 30 + i).dataSync()));
    probe.dispose();
    const x = Float32Array.from(tf.randomUniform(shape, -1, 1, 'float32', 4).dataSync());
    const cpu = await run('cpu', args, x, shape, weights);
    const wasm = await run('wasm', args, x, shape, weights);
    expect([cpu.usedGemm, wasm.usedGemm]).toEqual([false, true]);
    cpu.values.forEach((v, i) => {
      let worst = 0;
      for (let k = 0; k < v.length; k++) worst = Math.max(worst, Math.abs(wasm.values[i][k] - v[k]) / Math.max(1, Math.abs(v[k])));
      expect(worst).toBeLessThan(1e-5);
    });
  });
});
