import * as tf from '@tensorflow/tfjs-core';
import { sgdMomentumUpdate, type SgdMomentumUpdateAttrs } from './sgd-momentum-update';
import { randomValues, updateTrajectory, useBackend } from './kernel-test-utils';
import { flushSubnormal, SMALLEST_NORMAL_F32 } from './subnormal';

/** The per-op Keras 3 update the fused kernel replaces (as SGD.updateStep writes it without the kernel). */
function perOpStep(w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, a: SgdMomentumUpdateAttrs) {
  const m2 = tf.sub(tf.mul(m, a.momentum), tf.mul(g, a.learningRate));
  const w2 = a.nesterov ? tf.add(w, tf.sub(tf.mul(m2, a.momentum), tf.mul(g, a.learningRate))) : tf.add(w, m2);
  return { variable: w2, momentum: m2 };
}

/** `steps` SGD steps (learning rate 0.01, momentum 0.9); [w, m] after each step. */
function trajectory(size: number, steps: number, nesterov: boolean, fused: boolean): Float32Array[][] {
  const attrs = { learningRate: 0.01, momentum: 0.9, nesterov };
  return updateTrajectory(
    size,
    steps,
    (variable) => ({ variable, momentum: tf.zeros([size]) }),
    (state, g) => (fused ? sgdMomentumUpdate({ ...state, gradient: g }, attrs) : perOpStep(state.variable, g, state.momentum, attrs)),
  );
}

describe('WeftSGDMomentumUpdate: one fused pass has the bits of the per-op Keras 3 SGD update over 6 steps', () => {
  // 1031: the SIMD loop's 4-float turns and the scalar tail.
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const nesterov of [false, true]) {
      it(`${backend}: ${nesterov ? 'Nesterov' : 'momentum'} (1031 weights)`, async () => {
        await useBackend(backend);
        expect(trajectory(1031, 6, nesterov, true)).toEqual(trajectory(1031, 6, nesterov, false));
      });
    }
  }

  it('writes new tensors and leaves its inputs unchanged', async () => {
    await useBackend('wasm');
    tf.tidy(() => {
      const [w, g, m] = [1, 2, 3].map((seed) => tf.tensor1d(randomValues(9, seed)));
      const copies = [w, g, m].map((x) => x.dataSync().slice());
      const out = sgdMomentumUpdate({ variable: w, gradient: g, momentum: m }, { learningRate: 0.1, momentum: 0.9, nesterov: false })!;
      [w, g, m].forEach((x, i) => expect(x.dataSync()).toEqual(copies[i]));
      expect(out.variable.dataSync()).not.toEqual(copies[0]);
    });
  });

  it('rejects momentum 0 and mismatched shapes', async () => {
    await useBackend('cpu');
    tf.tidy(() => {
      const w = tf.zeros([3]);
      expect(() => sgdMomentumUpdate({ variable: w, gradient: w, momentum: w }, { learningRate: 0.1, momentum: 0, nesterov: false })).toThrow(/momentum must be > 0/);
      expect(() => sgdMomentumUpdate({ variable: w, gradient: tf.zeros([4]), momentum: w }, { learningRate: 0.1, momentum: 0.9, nesterov: false })).toThrow(
        /variable's shape \[3\]. Received: \[4\]/,
      );
    });
  });
});

describe('WeftSGDMomentumUpdate: a moment that turns subnormal is flushed to zero, and the weights keep the per-op bits', () => {
  // Under a zero gradient m' = 0.9 m: 0.9 x 2^-126 is subnormal, 0.9 x 2^-125 is not; NaN, 0 and a
  // subnormal input pass through the rule too. The weights are 1 + i/1031: far from 2^-126.
  const pattern = [SMALLEST_NORMAL_F32, -2 * SMALLEST_NORMAL_F32, NaN, 0, -SMALLEST_NORMAL_F32 / 4, 1];
  const size = 1031;
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const nesterov of [false, true]) {
      it(`${backend}${nesterov ? ', Nesterov' : ''}`, async () => {
        await useBackend(backend);
        tf.tidy(() => {
          const m = tf.tensor1d(Float32Array.from({ length: size }, (_, i) => pattern[i % pattern.length]));
          const w = tf.tensor1d(Float32Array.from({ length: size }, (_, i) => 1 + i / size));
          const g = tf.zeros([size]);
          const attrs = { learningRate: 0.01, momentum: 0.9, nesterov };
          const fused = sgdMomentumUpdate({ variable: w, gradient: g, momentum: m }, attrs)!;
          const perOp = perOpStep(w, g, m, attrs);
          const flushed = Float32Array.from(perOp.momentum.dataSync(), flushSubnormal);
          expect(Array.from(flushed.slice(0, 6))).toEqual([0, Math.fround(-0.9 * 2 * SMALLEST_NORMAL_F32), NaN, 0, 0, Math.fround(0.9)]);
          expect(fused.momentum.dataSync()).toEqual(flushed);
          expect(fused.variable.dataSync()).toEqual(perOp.variable.dataSync());
        });
      });
    }
  }
});
