import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { adamSimdOn } from './adam-simd';
import { lstmSimdOn } from './lstm-cell-simd';
import { reduceSimdOn } from './reduce-simd';
import { lstmSequenceBackward, lstmSequenceForward } from './lstm-ops';
import { randomValues } from './kernel-test-utils';
import { registerWasmTrainingKernels } from './register';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

interface Sizes {
  T: number;
  B: number;
  U: number;
}

/** Float64 reference of WeftLstmForward (same contract): [packed, S, C, CP, H] flat. */
function forwardReference({ T, B, U }: Sizes, p: Float32Array, rk: Float32Array, h0: Float32Array, c0: Float32Array, mask: Float32Array, rm: Float32Array) {
  const G = 4 * U;
  const packed = new Float64Array((T + 1) * B * U);
  const [S, C, CP, H] = [T * B * G, T * B * U, T * B * U, T * B * U].map((n) => new Float64Array(n));
  let h = Float64Array.from(h0);
  let c = Float64Array.from(c0);
  for (let t = 0; t < T; t++) {
    const hIn = h.map((v, k) => v * rm[k]);
    H.set(hIn, t * B * U);
    CP.set(c, t * B * U);
    const hNext = new Float64Array(B * U);
    const cNext = new Float64Array(B * U);
    for (let b = 0; b < B; b++) {
      const s = new Float64Array(G);
      for (let g = 0; g < G; g++) {
        let z = p[(t * B + b) * G + g];
        for (let u = 0; u < U; u++) z += hIn[b * U + u] * rk[u * G + g];
        // The candidate's sigmoid of 2z gives its tanh: tanh(z) = 2 sigmoid(2z) - 1.
        s[g] = sigmoid(g >= 2 * U && g < 3 * U ? 2 * z : z);
      }
      S.set(s, (t * B + b) * G);
      const m = mask[t * B + b];
      for (let j = 0; j < U; j++) {
        const k = b * U + j;
        const cNew = s[U + j] * c[k] + s[j] * (2 * s[2 * U + j] - 1);
        const a = Math.tanh(cNew);
        C[t * B * U + k] = a;
        hNext[k] = h[k] + m * (s[3 * U + j] * a - h[k]);
        cNext[k] = c[k] + m * (cNew - c[k]);
      }
    }
    h = hNext;
    c = cNext;
    packed.set(h, t * B * U);
  }
  packed.set(c, T * B * U);
  return [packed, S, C, CP, H];
}

function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  expect(worst).toBeLessThan(tolerance);
}

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

describe('LSTM sequence kernels (wasm)', () => {
  it("the hand-written SIMD modules validate on the backend's memory (no silent JS fallback)", () => {
    const memory = ((tf.backend() as BackendWasm).wasm as unknown as { asm: { memory: { buffer: ArrayBuffer } } }).asm.memory;
    expect(adamSimdOn(memory)).not.toBeNull();
    expect(lstmSimdOn(memory)).not.toBeNull();
    expect(reduceSimdOn(memory)).not.toBeNull();
  });

  // 4 and 8 units: the SIMD cell; 3: the JS cell. Projections up to +-60 saturate every sigmoid and tanh.
  it.each([
    { T: 5, B: 3, U: 4, scale: 1 },
    { T: 4, B: 2, U: 8, scale: 60 },
    { T: 5, B: 3, U: 3, scale: 60 },
  ])('forward ($T steps, $B rows, $U units, inputs x$scale) equals a float64 reference, masks and recurrent dropout included', ({ T, B, U, scale }) => {
    const sizes = { T, B, U };
    const p = randomValues(T * B * 4 * U, 1).map((v) => v * scale);
    const rk = randomValues(U * 4 * U, 2);
    const [h0, c0] = [randomValues(B * U, 3), randomValues(B * U, 4)];
    const mask = randomValues(T * B, 5).map((v) => (v > -0.4 ? 1 : 0));
    const rm = randomValues(B * U, 6).map((v) => (v > -0.3 ? 1.4 : 0));
    const expected = forwardReference(sizes, p, rk, h0, c0, mask, rm);
    const out = tf.tidy(() => {
      const r = lstmSequenceForward({
        projected: tf.tensor3d(p, [T, B, 4 * U]),
        recKernel: tf.tensor2d(rk, [U, 4 * U]),
        h0: tf.tensor2d(h0, [B, U]),
        c0: tf.tensor2d(c0, [B, U]),
        mask: tf.tensor2d(mask, [T, B]),
        recMask: tf.tensor2d(rm, [B, U]),
      });
      return [r.packed, r.S, r.C, r.CP, r.H].map((x) => x.dataSync().slice());
    });
    out.forEach((values, i) => expectNear(values, expected[i], 2e-6));
  });

  it('forward: a NaN pre-activation gives NaN gates and state, not a saturated gate', () => {
    const [T, B, U] = [2, 1, 4];
    const p = new Float32Array(T * B * 4 * U).fill(0.5);
    p[1] = NaN;
    const r = lstmSequenceForward({
      projected: tf.tensor3d(p, [T, B, 4 * U]),
      recKernel: tf.zeros([U, 4 * U]),
      h0: tf.zeros([B, U]),
      c0: tf.zeros([B, U]),
    });
    const s = r.S.dataSync();
    expect(Number.isNaN(s[1])).toBe(true);
    expect(s[0]).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 6);
    expect(Number.isNaN(r.packed.dataSync()[1])).toBe(true);
  });

  // B a multiple of 4: dZT is written in 4x4 blocks transposed in registers; B = 6: column by column.
  it.each([
    { T: 3, B: 8, U: 8 },
    { T: 2, B: 4, U: 4 },
    { T: 2, B: 6, U: 4 },
  ])('backward ($T steps, $B rows, $U units): dZT holds dZ transposed, bit for bit', ({ T, B, U }) => {
    tf.tidy(() => {
      const fwd = lstmSequenceForward({
        projected: tf.tensor3d(randomValues(T * B * 4 * U, 11), [T, B, 4 * U]),
        recKernel: tf.tensor2d(randomValues(U * 4 * U, 12), [U, 4 * U]),
        h0: tf.tensor2d(randomValues(B * U, 13), [B, U]),
        c0: tf.tensor2d(randomValues(B * U, 14), [B, U]),
      });
      const dy = tf.tensor3d(randomValues((T + 1) * B * U, 15), [T + 1, B, U]);
      const r = lstmSequenceBackward({ dy, S: fwd.S, C: fwd.C, CP: fwd.CP, recKernelT: tf.tensor2d(randomValues(4 * U * U, 16), [4 * U, U]) }, true);
      expect(Array.from(r.dZT.dataSync())).toEqual(Array.from(tf.transpose(tf.reshape(r.dZ, [T * B, 4 * U])).dataSync()));
    });
  });

  it('backward: dZT is dZ transposed; dh0/dc0 have the state shape; rejects a wrong shape', () => {
    tf.tidy(() => {
      const [T, B, U] = [3, 2, 4];
      const fwd = lstmSequenceForward({
        projected: tf.tensor3d(randomValues(T * B * 4 * U, 7), [T, B, 4 * U]),
        recKernel: tf.tensor2d(randomValues(U * 4 * U, 8), [U, 4 * U]),
        h0: tf.zeros([B, U]),
        c0: tf.zeros([B, U]),
      });
      const dy = tf.tensor3d(randomValues((T + 1) * B * U, 9), [T + 1, B, U]);
      const recKernelT = tf.tensor2d(randomValues(4 * U * U, 10), [4 * U, U]);
      const r = lstmSequenceBackward({ dy, S: fwd.S, C: fwd.C, CP: fwd.CP, recKernelT }, true);
      expect(r.dh0.shape).toEqual([B, U]);
      expect(r.dc0.shape).toEqual([B, U]);
      expect(Array.from(r.dZT.dataSync())).toEqual(Array.from(tf.transpose(tf.reshape(r.dZ, [T * B, 4 * U])).dataSync()));
      expect(() => lstmSequenceBackward({ dy: tf.zeros([T, B, U]), S: fwd.S, C: fwd.C, CP: fwd.CP, recKernelT }, true)).toThrow(
        /'dy' must be float32 \[4,2,4\]. Received: float32 \[3,2,4\]/,
      );
    });
  });
});
