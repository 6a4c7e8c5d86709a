import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// The CommonJS tfjs-core bundle registers no gradients; tfjs-layers' bundle registers them all.
import '@tensorflow/tfjs-layers';
import { registerWasmTrainingKernels } from './register';

/** Deterministic pseudo-random floats in [-1, 1). */
export function randomValues(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** Runs f on a backend ('wasm' gets our kernels) and returns every output's values. */
export async function runOn(backend: 'cpu' | 'wasm', f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  if (backend === 'wasm') registerWasmTrainingKernels();
  await tf.setBackend(backend);
  const outs = tf.tidy(() => {
    const r = f();
    return Array.isArray(r) ? r : [r];
  });
  const values = await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(outs);
  return values;
}

/** Largest |a-b| / max(1, |b|) over all elements; Infinity when lengths differ. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(err <= worst)) worst = Number.isNaN(err) ? Infinity : err;
  }
  return worst;
}

/** Runs f on cpu and on wasm and expects equal outputs within `tolerance` (relative). */
export async function expectWasmMatchesCpu(f: () => tf.Tensor | tf.Tensor[], tolerance = 1e-4): Promise<void> {
  const expected = await runOn('cpu', f);
  const actual = await runOn('wasm', f);
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(actual[i].length).toBe(expected[i].length);
    expect(maxRelativeError(actual[i], expected[i])).toBeLessThanOrEqual(tolerance);
  }
}

/** Makes `backend` the active one ('wasm' with our kernels registered). */
export async function useBackend(backend: 'cpu' | 'wasm'): Promise<void> {
  if (backend === 'wasm') registerWasmTrainingKernels();
  await tf.setBackend(backend);
}

/** An optimizer update's state: the weight and its slots (null: a slot this configuration has not). */
export type UpdateState = { variable: tf.Tensor } & Record<string, tf.Tensor | null>;

/**
 * `steps` updates of a [size] weight, each with a gradient non-linear in the weight and with exact
 * zeros (rows no batch touched): w^3 + noise, masked. `initial(weight)` gives the first state and
 * `update(state, gradient, t)` step t's (null fails the test). Returns the state's arrays after
 * each step, in `initial`'s key order, absent slots left out; every step must move the weight.
 */
export function updateTrajectory<S extends UpdateState>(
  size: number,
  steps: number,
  initial: (weight: tf.Tensor) => S,
  update: (state: S, gradient: tf.Tensor, t: number) => S | null,
): Float32Array[][] {
  return tf.tidy(() => {
    let state = initial(tf.tensor1d(randomValues(size, 1)));
    const keys = Object.keys(state);
    const noise = tf.tensor1d(randomValues(size, 2));
    const out: Float32Array[][] = [];
    for (let t = 1; t <= steps; t++) {
      const g = tf.mul(tf.add(tf.pow(state.variable, 3), noise), tf.cast(tf.greater(noise, -0.6), 'float32'));
      const before = state.variable.dataSync().slice();
      const next = update(state, g, t);
      expect(next).not.toBeNull();
      state = next!;
      out.push(keys.flatMap((k) => (state[k] ? [state[k]!.dataSync() as Float32Array] : [])));
      expect(before).not.toEqual(out[out.length - 1][0]);
    }
    return out;
  });
}
