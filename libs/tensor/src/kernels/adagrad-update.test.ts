import * as tf from '@tensorflow/tfjs-core';
import { adagradUpdate, type AdagradUpdateAttrs } from './adagrad-update';
import { randomValues, updateTrajectory, useBackend } from './kernel-test-utils';

/** The per-op Keras 3 update the fused kernel replaces (as Adagrad.updateStep writes it without the kernel). */
function perOpStep(w: tf.Tensor, g: tf.Tensor, accumulator: tf.Tensor, a: AdagradUpdateAttrs) {
  const acc2 = tf.add(accumulator, tf.square(g));
  return { variable: tf.sub(w, tf.div(tf.mul(g, a.learningRate), tf.sqrt(tf.add(acc2, a.epsilon)))), accumulator: acc2 };
}

const ATTRS = { learningRate: 0.05, epsilon: 1e-7 };

/** `steps` Adagrad steps from accumulators of 0.1; [w, accumulator] after each step. */
function trajectory(size: number, steps: number, fused: boolean): Float32Array[][] {
  return updateTrajectory(
    size,
    steps,
    (variable) => ({ variable, accumulator: tf.fill([size], 0.1) }),
    (state, g) => (fused ? adagradUpdate({ ...state, gradient: g }, ATTRS) : perOpStep(state.variable, g, state.accumulator, ATTRS)),
  );
}

describe('WeftAdagradUpdate: one fused pass has the bits of the per-op Keras 3 Adagrad update over 6 steps', () => {
  // 1031: the SIMD loop's 4-float turns and the scalar tail.
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`${backend} (1031 weights)`, async () => {
      await useBackend(backend);
      expect(trajectory(1031, 6, true)).toEqual(trajectory(1031, 6, false));
    });
  }

  it('writes new tensors and leaves its inputs unchanged', async () => {
    await useBackend('wasm');
    tf.tidy(() => {
      const [w, g] = [1, 2].map((seed) => tf.tensor1d(randomValues(9, seed)));
      const acc = tf.abs(tf.tensor1d(randomValues(9, 3)));
      const copies = [w, g, acc].map((x) => x.dataSync().slice());
      const out = adagradUpdate({ variable: w, gradient: g, accumulator: acc }, ATTRS)!;
      [w, g, acc].forEach((x, i) => expect(x.dataSync()).toEqual(copies[i]));
      expect(out.variable.dataSync()).not.toEqual(copies[0]);
    });
  });

  it('rejects mismatched shapes', async () => {
    await useBackend('cpu');
    tf.tidy(() => {
      const w = tf.zeros([3]);
      expect(() => adagradUpdate({ variable: w, gradient: tf.zeros([4]), accumulator: w }, ATTRS)).toThrow(/variable's shape \[3\]. Received: \[4\]/);
    });
  });
});
