import * as tf from '@tensorflow/tfjs-core';
import { adamUpdate, type AdamUpdateAttrs } from './adam-update';
import { maxRelativeError, randomValues, updateTrajectory, useBackend } from './kernel-test-utils';
import { flushSubnormal, SMALLEST_NORMAL_F32 } from './subnormal';

const BETA1 = 0.9;
const BETA2 = 0.999;

/** The per-op Keras 3 update the fused kernel replaces (as Adam.updateStep wrote it). */
function perOpStep(w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, vHat: tf.Tensor | null, a: AdamUpdateAttrs) {
  const m2 = tf.add(m, tf.mul(tf.sub(g, m), 1 - a.beta1));
  const v2 = tf.add(v, tf.mul(tf.sub(tf.square(g), v), 1 - a.beta2));
  const vHat2 = vHat ? tf.maximum(vHat, v2) : null;
  const w2 = tf.sub(w, tf.div(tf.mul(m2, a.alpha), tf.add(tf.sqrt(vHat2 ?? v2), a.epsilon)));
  return { variable: w2, momentum: m2, velocity: v2, velocityHat: vHat2 };
}

/** `steps` Adam steps (learning rate 0.01); [w, m, v(, vHat)] after each step. */
function trajectory(size: number, steps: number, amsgrad: boolean, fused: boolean): Float32Array[][] {
  return updateTrajectory(
    size,
    steps,
    (variable) => ({ variable, momentum: tf.zeros([size]), velocity: tf.zeros([size]), velocityHat: amsgrad ? tf.zeros([size]) : null }),
    (state, g, t) => {
      const attrs = { alpha: (0.01 * Math.sqrt(1 - BETA2 ** t)) / (1 - BETA1 ** t), beta1: BETA1, beta2: BETA2, epsilon: 1e-7, amsgrad };
      return fused
        ? adamUpdate({ ...state, gradient: g, velocityHat: state.velocityHat ?? undefined }, attrs)
        : perOpStep(state.variable, g, state.momentum, state.velocity, state.velocityHat, attrs);
    },
  );
}

async function expectFusedMatchesPerOp(backend: 'cpu' | 'wasm', size: number, amsgrad: boolean): Promise<void> {
  await useBackend(backend);
  const expected = trajectory(size, 6, amsgrad, false);
  const actual = trajectory(size, 6, amsgrad, true);
  for (let t = 0; t < expected.length; t++) {
    expect(actual[t].length).toBe(expected[t].length);
    for (let k = 0; k < expected[t].length; k++) expect(maxRelativeError(actual[t][k], expected[t][k])).toBeLessThan(1e-6);
  }
}

describe('WeftAdamUpdate: one fused pass equals the per-op Keras 3 Adam update over 6 steps', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    // 1031: the SIMD loop's 4-float turns and the scalar tail.
    it(`${backend}: plain Adam (1031 weights)`, () => expectFusedMatchesPerOp(backend, 1031, false));
    it(`${backend}: amsgrad`, () => expectFusedMatchesPerOp(backend, 257, true));
  }

  it('writes new tensors and leaves its inputs unchanged', async () => {
    await useBackend('wasm');
    tf.tidy(() => {
      const [w, g, m, v] = [1, 2, 3, 4].map((seed) => tf.tensor1d(randomValues(9, seed)));
      const v0 = tf.abs(v);
      const copies = [w, g, m, v0].map((x) => x.dataSync().slice());
      const out = adamUpdate({ variable: w, gradient: g, momentum: m, velocity: v0 }, { alpha: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false })!;
      [w, g, m, v0].forEach((x, i) => expect(x.dataSync()).toEqual(copies[i]));
      expect(out.variable.dataSync()).not.toEqual(copies[0]);
    });
  });

  it('rejects mismatched shapes and a missing velocityHat with amsgrad', async () => {
    await useBackend('cpu');
    tf.tidy(() => {
      const w = tf.zeros([3]);
      const attrs = { alpha: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false };
      expect(() => adamUpdate({ variable: w, gradient: tf.zeros([4]), momentum: w, velocity: w }, attrs)).toThrow(/variable's shape \[3\]. Received: \[4\]/);
      expect(() => adamUpdate({ variable: w, gradient: w, momentum: w, velocity: w }, { ...attrs, amsgrad: true })).toThrow(/velocityHat/);
    });
  });
});

describe('WeftAdamUpdate: moments that turn subnormal are flushed to zero, and the weights keep the per-op bits', () => {
  // Under a zero gradient m' = 0.9 m and v' = 0.999 v: 0.9 x 2^-126 is subnormal, 0.9 x 2^-125 is
  // not (v' likewise); NaN, 0 and a subnormal input pass through the rule too. 1031 weights: the
  // SIMD turns and the scalar tail.
  const pattern = [SMALLEST_NORMAL_F32, 2 * SMALLEST_NORMAL_F32, NaN, 0, SMALLEST_NORMAL_F32 / 4, 1];
  const size = 1031;

  async function check(backend: 'cpu' | 'wasm'): Promise<void> {
    await useBackend(backend);
    tf.tidy(() => {
      const state = tf.tensor1d(Float32Array.from({ length: size }, (_, i) => pattern[i % pattern.length]));
      const w = tf.tensor1d(randomValues(size, 1));
      const g = tf.zeros([size]);
      const attrs = { alpha: 0.01, beta1: BETA1, beta2: BETA2, epsilon: 1e-7, amsgrad: false };
      const fused = adamUpdate({ variable: w, gradient: g, momentum: state, velocity: state }, attrs)!;
      const perOp = perOpStep(w, g, state, state, null, attrs);
      const flushedM = Float32Array.from(perOp.momentum.dataSync(), flushSubnormal);
      expect(Array.from(flushedM.slice(0, 6))).toEqual([0, Math.fround(0.9 * 2 * SMALLEST_NORMAL_F32), NaN, 0, 0, Math.fround(0.9)]);
      expect(fused.momentum.dataSync()).toEqual(flushedM);
      const flushedV = Float32Array.from(perOp.velocity.dataSync(), flushSubnormal);
      expect(flushedV[4]).toBe(0);
      expect(fused.velocity.dataSync()).toEqual(flushedV);
      expect(fused.variable.dataSync()).toEqual(perOp.variable.dataSync());
    });
  }

  it('wasm (SIMD and tail)', () => check('wasm'));
  it('cpu', () => check('cpu'));
});
