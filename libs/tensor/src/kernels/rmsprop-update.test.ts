import * as tf from '@tensorflow/tfjs-core';
import { rmspropUpdate, type RMSpropUpdateAttrs } from './rmsprop-update';
import { randomValues, updateTrajectory, useBackend } from './kernel-test-utils';
import { flushSubnormal, SMALLEST_NORMAL_F32 } from './subnormal';

/** The per-op Keras 3 update the fused kernel replaces (as RMSprop.updateStep writes it without the kernel). */
function perOpStep(w: tf.Tensor, g: tf.Tensor, velocity: tf.Tensor, momentum: tf.Tensor | null, a: RMSpropUpdateAttrs) {
  const v2 = tf.add(tf.mul(velocity, a.rho), tf.mul(tf.square(g), 1 - a.rho));
  const step = tf.div(tf.mul(g, a.learningRate), tf.sqrt(tf.add(v2, a.epsilon)));
  if (!momentum) return { variable: tf.sub(w, step), velocity: v2, momentum: null };
  const m2 = tf.add(tf.mul(momentum, a.momentum), step);
  return { variable: tf.sub(w, m2), velocity: v2, momentum: m2 };
}

/** `steps` RMSprop steps (learning rate 0.01, rho 0.9); [w, v(, m)] after each step. */
function trajectory(size: number, steps: number, momentum: number, fused: boolean): Float32Array[][] {
  const attrs = { learningRate: 0.01, rho: 0.9, epsilon: 1e-7, momentum };
  return updateTrajectory(
    size,
    steps,
    (variable) => ({ variable, velocity: tf.zeros([size]), momentum: momentum > 0 ? tf.zeros([size]) : null }),
    (state, g) =>
      fused
        ? rmspropUpdate({ ...state, gradient: g, momentum: state.momentum ?? undefined }, attrs)
        : perOpStep(state.variable, g, state.velocity, state.momentum, attrs),
  );
}

async function expectFusedMatchesPerOp(backend: 'cpu' | 'wasm', size: number, momentum: number): Promise<void> {
  await useBackend(backend);
  const expected = trajectory(size, 6, momentum, false);
  const actual = trajectory(size, 6, momentum, true);
  // Same bits: every intermediate is rounded to float32 where the ops round.
  expect(actual).toEqual(expected);
}

describe('WeftRMSpropUpdate: one fused pass has the bits of the per-op Keras 3 RMSprop update over 6 steps', () => {
  // 1031: the SIMD loop's 4-float turns and the scalar tail.
  it('wasm: plain RMSprop (1031 weights, SIMD)', () => expectFusedMatchesPerOp('wasm', 1031, 0));
  it('cpu: plain RMSprop (1031 weights)', () => expectFusedMatchesPerOp('cpu', 1031, 0));
  it('wasm: with momentum (1031 weights, SIMD)', () => expectFusedMatchesPerOp('wasm', 1031, 0.9));
  it('cpu: with momentum', () => expectFusedMatchesPerOp('cpu', 257, 0.9));

  it('writes new tensors and leaves its inputs unchanged', async () => {
    await useBackend('wasm');
    tf.tidy(() => {
      const [w, g, v] = [1, 2, 3].map((seed) => tf.tensor1d(randomValues(9, seed)));
      const v0 = tf.abs(v);
      const copies = [w, g, v0].map((x) => x.dataSync().slice());
      const out = rmspropUpdate({ variable: w, gradient: g, velocity: v0 }, { learningRate: 0.1, rho: 0.9, epsilon: 1e-7, momentum: 0 })!;
      [w, g, v0].forEach((x, i) => expect(x.dataSync()).toEqual(copies[i]));
      expect(out.variable.dataSync()).not.toEqual(copies[0]);
    });
  });

  it('rejects mismatched shapes and a momentum slot that does not match momentum', async () => {
    await useBackend('cpu');
    tf.tidy(() => {
      const w = tf.zeros([3]);
      const attrs = { learningRate: 0.1, rho: 0.9, epsilon: 1e-7, momentum: 0 };
      expect(() => rmspropUpdate({ variable: w, gradient: tf.zeros([4]), velocity: w }, attrs)).toThrow(/variable's shape \[3\]. Received: \[4\]/);
      expect(() => rmspropUpdate({ variable: w, gradient: w, velocity: w }, { ...attrs, momentum: 0.9 })).toThrow(/momentum slot/);
    });
  });
});

describe('WeftRMSpropUpdate: a velocity that turns subnormal is flushed to zero, and the weights keep the per-op bits', () => {
  // Under a zero gradient v' = 0.9 v: 0.9 x 2^-126 is subnormal, 0.9 x 2^-125 is not; NaN, 0 and a
  // subnormal input pass through the rule too. 1031 weights: the SIMD turns and the scalar tail.
  const pattern = [SMALLEST_NORMAL_F32, 2 * SMALLEST_NORMAL_F32, NaN, 0, SMALLEST_NORMAL_F32 / 4, 1];
  const size = 1031;

  async function check(backend: 'cpu' | 'wasm', momentum: number): Promise<void> {
    await useBackend(backend);
    tf.tidy(() => {
      const velocity = tf.tensor1d(Float32Array.from({ length: size }, (_, i) => pattern[i % pattern.length]));
      const w = tf.tensor1d(randomValues(size, 1));
      const g = tf.zeros([size]);
      const m = momentum > 0 ? tf.fill([size], SMALLEST_NORMAL_F32) : null;
      const attrs = { learningRate: 0.01, rho: 0.9, epsilon: 1e-7, momentum };
      const fused = rmspropUpdate({ variable: w, gradient: g, velocity, momentum: m ?? undefined }, attrs)!;
      const perOp = perOpStep(w, g, velocity, m, attrs);
      const flushed = Float32Array.from(perOp.velocity.dataSync(), flushSubnormal);
      expect(Array.from(flushed.slice(0, 6))).toEqual([0, Math.fround(0.9 * 2 * SMALLEST_NORMAL_F32), NaN, 0, 0, Math.fround(0.9)]);
      expect(fused.velocity.dataSync()).toEqual(flushed);
      expect(fused.variable.dataSync()).toEqual(perOp.variable.dataSync());
      if (m) expect(fused.momentum!.dataSync()).toEqual(Float32Array.from(perOp.momentum!.dataSync(), flushSubnormal));
    });
  }

  it('wasm (SIMD and tail)', () => check('wasm', 0));
  it('cpu', () => check('cpu', 0));
  it('wasm with momentum: the momentum slot too', () => check('wasm', 0.9));
  it('cpu with momentum: the momentum slot too', () => check('cpu', 0.9));
});
