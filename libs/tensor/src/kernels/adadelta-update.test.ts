import * as tf from '@tensorflow/tfjs-core';
import { adadeltaUpdate, type AdadeltaUpdateAttrs } from './adadelta-update';
import { randomValues, updateTrajectory, useBackend } from './kernel-test-utils';
import { flushSubnormal, SMALLEST_NORMAL_F32 } from './subnormal';

/** The per-op Keras 3 update the fused kernel replaces (as Adadelta.updateStep writes it without the kernel). */
function perOpStep(w: tf.Tensor, g: tf.Tensor, accGrad: tf.Tensor, accDelta: tf.Tensor, a: AdadeltaUpdateAttrs) {
  const rms = (x: tf.Tensor) => tf.sqrt(tf.add(x, a.epsilon));
  const accGrad2 = tf.add(tf.mul(accGrad, a.rho), tf.mul(tf.square(g), 1 - a.rho));
  const delta = tf.neg(tf.div(tf.mul(g, rms(accDelta)), rms(accGrad2)));
  const accDelta2 = tf.add(tf.mul(accDelta, a.rho), tf.mul(tf.square(delta), 1 - a.rho));
  return { variable: tf.add(w, tf.mul(delta, a.learningRate)), accumulatedGrad: accGrad2, accumulatedDelta: accDelta2 };
}

const ATTRS = { learningRate: 0.5, rho: 0.95, epsilon: 1e-7 };

/** `steps` Adadelta steps; [w, accGrad, accDelta] after each step. */
function trajectory(size: number, steps: number, fused: boolean): Float32Array[][] {
  return updateTrajectory(
    size,
    steps,
    (variable) => ({ variable, accumulatedGrad: tf.zeros([size]), accumulatedDelta: tf.zeros([size]) }),
    (state, g) => (fused ? adadeltaUpdate({ ...state, gradient: g }, ATTRS) : perOpStep(state.variable, g, state.accumulatedGrad, state.accumulatedDelta, ATTRS)),
  );
}

describe('WeftAdadeltaUpdate: one fused pass has the bits of the per-op Keras 3 Adadelta update over 6 steps', () => {
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
      const [w, g, a, d] = [1, 2, 3, 4].map((seed) => (seed > 2 ? tf.abs(tf.tensor1d(randomValues(9, seed))) : tf.tensor1d(randomValues(9, seed))));
      const copies = [w, g, a, d].map((x) => x.dataSync().slice());
      const out = adadeltaUpdate({ variable: w, gradient: g, accumulatedGrad: a, accumulatedDelta: d }, ATTRS)!;
      [w, g, a, d].forEach((x, i) => expect(x.dataSync()).toEqual(copies[i]));
      expect(out.variable.dataSync()).not.toEqual(copies[0]);
    });
  });

  it('rejects mismatched shapes', async () => {
    await useBackend('cpu');
    tf.tidy(() => {
      const w = tf.zeros([3]);
      expect(() => adadeltaUpdate({ variable: w, gradient: tf.zeros([4]), accumulatedGrad: w, accumulatedDelta: w }, ATTRS)).toThrow(
        /variable's shape \[3\]. Received: \[4\]/,
      );
    });
  });
});

describe('WeftAdadeltaUpdate: accumulators that turn subnormal are flushed to zero, and the weights keep the per-op bits', () => {
  // Under a zero gradient both accumulators decay by 0.95: 0.95 x 2^-126 is subnormal, 0.95 x 2^-125
  // is not; NaN, 0 and a subnormal input pass through the rule too.
  const pattern = [SMALLEST_NORMAL_F32, 2 * SMALLEST_NORMAL_F32, NaN, 0, SMALLEST_NORMAL_F32 / 4, 1];
  const size = 1031;
  for (const backend of ['wasm', 'cpu'] as const) {
    it(backend, async () => {
      await useBackend(backend);
      tf.tidy(() => {
        const state = tf.tensor1d(Float32Array.from({ length: size }, (_, i) => pattern[i % pattern.length]));
        const w = tf.tensor1d(randomValues(size, 1));
        const g = tf.zeros([size]);
        const fused = adadeltaUpdate({ variable: w, gradient: g, accumulatedGrad: state, accumulatedDelta: state }, ATTRS)!;
        const perOp = perOpStep(w, g, state, state, ATTRS);
        for (const slot of ['accumulatedGrad', 'accumulatedDelta'] as const) {
          const flushed = Float32Array.from(perOp[slot].dataSync(), flushSubnormal);
          expect(Array.from(flushed.slice(0, 6))).toEqual([0, Math.fround(0.95 * 2 * SMALLEST_NORMAL_F32), NaN, 0, 0, Math.fround(0.95)]);
          expect(fused[slot].dataSync()).toEqual(flushed);
        }
        expect(fused.variable.dataSync()).toEqual(perOp.variable.dataSync());
      });
    });
  }
});
