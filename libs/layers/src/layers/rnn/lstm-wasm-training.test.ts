import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@weft/tensor';
// tfjs-core's CJS bundle registers no gradients; tfjs-layers' bundle does.
import '@tensorflow/tfjs-layers';
import { Sequential } from '../../models';
import { Dense } from '../core/dense';
import { Embedding } from '../core/embedding';
import { LSTM } from './lstm';

/**
 * Training steps of Embedding -> LSTM -> Dense with Adam: on wasm the LSTM runs as two whole-sequence
 * kernels with SIMD cells, Adam as one fused kernel per weight and the embedding gradient as a SIMD
 * scatter; on cpu everything is separate tf ops. The weights after each step must agree.
 */
async function train(backend: 'cpu' | 'wasm', initial: Float32Array[], steps: number): Promise<Float32Array[][]> {
  await initBackend(backend);
  const model = new Sequential({
    layers: [
      new Embedding({ inputDim: 50, outputDim: 12, inputShape: [7], maskZero: true }),
      new LSTM({ units: 8, recurrentDropout: 0 }),
      new Dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  model.build([null, 7]);
  model.setWeights(initial.map((values, i) => tf.tensor(values, model.getWeights()[i].shape)));
  // Leading zeros: masked steps.
  const x = tf.tensor2d([[0, 0, 3, 9, 4, 1, 7], [5, 2, 2, 8, 0, 0, 0], [0, 11, 49, 30, 6, 6, 2]], [3, 7], 'int32');
  const y = tf.tensor2d([[1], [0], [1]]);
  const trajectory: Float32Array[][] = [];
  for (let s = 0; s < steps; s++) {
    await model.trainOnBatch(x, y);
    trajectory.push(model.getWeights().map((w) => w.dataSync() as Float32Array));
  }
  return trajectory;
}

describe('LSTM training step on wasm (fused kernels) against cpu (separate ops)', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives the same weights after each of 4 Adam steps, masking included', async () => {
    await initBackend('cpu');
    const shapes = [[50, 12], [12, 32], [8, 32], [32], [8, 1], [1]];
    const initial = shapes.map((shape, i) => Float32Array.from(tf.randomUniform(shape, -0.5, 0.5, 'float32', i + 1).dataSync()));
    const cpu = await train('cpu', initial, 4);
    const wasm = await train('wasm', initial, 4);
    cpu.forEach((weights, step) =>
      weights.forEach((w, i) => {
        let worst = 0;
        for (let k = 0; k < w.length; k++) worst = Math.max(worst, Math.abs(wasm[step][i][k] - w[k]) / Math.max(1, Math.abs(w[k])));
        expect(worst).toBeLessThan(1e-5);
      }),
    );
    // The weights moved (the comparison is not between two untouched copies).
    expect(Math.abs(cpu[3][2][0] - initial[2][0])).toBeGreaterThan(1e-4);
  });
});
