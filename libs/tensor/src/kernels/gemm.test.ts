import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { gemm } from './gemm';
import { gemmOn } from './gemm-simd';
import { randomValues } from './kernel-test-utils';
import { registerWasmTrainingKernels } from './register';

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

/** Float32 reference in the kernel's order: each element is its bias (or 0), then products added in k order, rounding every step. */
function reference(a: Float32Array, b: Float32Array, bias: Float32Array | null, m: number, k: number, n: number): Float32Array {
  const f = Math.fround;
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = bias ? bias[j] : 0;
      for (let q = 0; q < k; q++) acc = f(acc + f(a[i * k + q] * b[q * n + j]));
      out[i * n + j] = acc;
    }
  }
  return out;
}

describe('gemm (register-blocked wasm SIMD matmul)', () => {
  // Every row tile (m mod 4 = 0..3), 8- and 4-column blocks, k = 1, odd k, with and without a bias.
  it.each([
    [1, 1, 4, false], [3, 5, 8, true], [4, 7, 12, false], [5, 2, 4, true], [6, 9, 20, true],
    [7, 16, 8, false], [9, 3, 36, true], [32, 128, 512, true], [13, 33, 44, false],
    // Deeper than one slice (256): later slices add onto C.
    [6, 600, 12, true], [5, 512, 8, false],
  ] as const)('m=%i k=%i n=%i bias=%s: the same bits as a float32 loop in k order', (m, k, n, withBias) => {
    const av = randomValues(m * k, m + 1);
    const bv = randomValues(k * n, k + 2);
    const biasv = withBias ? randomValues(n, n + 3) : null;
    const out = tf.tidy(() => gemm(tf.tensor2d(av, [m, k]), tf.tensor2d(bv, [k, n]), biasv ? tf.tensor1d(biasv) : null));
    expect(Array.from(out.dataSync())).toEqual(Array.from(reference(av, bv, biasv, m, k, n)));
    out.dispose();
  });

  it('gives the stock XNNPACK matmul\'s bits (it sums in the same order)', () => {
    const [m, k, n] = [37, 128, 64];
    const a = tf.tensor2d(randomValues(m * k, 5), [m, k]);
    const b = tf.tensor2d(randomValues(k * n, 6), [k, n]);
    const bias = tf.tensor1d(randomValues(n, 7));
    const ours = gemm(a, b, bias);
    const stock = tf.fused.matMul({ a, b, bias });
    expect(Array.from(ours.dataSync())).toEqual(Array.from(stock.dataSync()));
    tf.dispose([a, b, bias, ours, stock]);
  });
});

describe('gemm fallbacks', () => {
  it('columns not a multiple of 4 go to tf.fused.matMul, within float tolerance of the reference', () => {
    const [m, k, n] = [6, 5, 7];
    const av = randomValues(m * k, 8);
    const bv = randomValues(k * n, 9);
    const out = gemm(tf.tensor2d(av, [m, k]), tf.tensor2d(bv, [k, n]));
    const expected = reference(av, bv, null, m, k, n);
    const got = out.dataSync();
    for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i], 5);
  });

  it('gemmOn declines shapes it cannot tile', () => {
    const memory = ((tf.backend() as BackendWasm).wasm as unknown as { asm: { memory: { buffer: ArrayBuffer } } }).asm.memory;
    expect(gemmOn(memory, { k: 3, n: 6, lda: 3, ldb: 6, ldc: 6, bias: false })).toBeNull();
    expect(gemmOn(memory, { k: 0, n: 8, lda: 0, ldb: 8, ldc: 8, bias: false })).toBeNull();
    expect(gemmOn(memory, { k: 3, n: 8, lda: 3, ldb: 8, ldc: 8, bias: false })).not.toBeNull();
  });
});
