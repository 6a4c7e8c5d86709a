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

/**
 * Float32 reference in the kernel's order: each element is its bias (or 0), then products added in
 * k order, rounding every step. `a` is [m, k], or [k, m] when transposed.
 */
function reference(a: Float32Array, b: Float32Array, bias: Float32Array | null, m: number, k: number, n: number, transposeA = false): Float32Array {
  const f = Math.fround;
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = bias ? bias[j] : 0;
      for (let q = 0; q < k; q++) acc = f(acc + f((transposeA ? a[q * m + i] : a[i * k + q]) * b[q * n + j]));
      out[i * n + j] = acc;
    }
  }
  return out;
}

describe('gemm (register-blocked wasm SIMD matmul)', () => {
  // Every row tile (m mod 4 = 0..3); 8-, 4- and scalar column blocks (n mod 8 = 0..7); k = 1, odd k,
  // deeper than one slice (256: later slices add onto C); with and without a bias; A as is or transposed.
  it.each([
    [1, 1, 4, false], [3, 5, 8, true], [4, 7, 12, false], [5, 2, 4, true], [6, 9, 20, true],
    [7, 16, 8, false], [9, 3, 36, true], [32, 128, 512, true], [13, 33, 44, false],
    [2, 3, 1, false], [5, 4, 2, true], [3, 6, 3, false], [6, 5, 7, true], [9, 11, 13, false], [10, 150, 250, true],
    [6, 600, 12, true], [5, 512, 8, false], [7, 300, 30, true],
    // B rows 4 KB apart (packing matters most there).
    [5, 20, 1024, true],
  ] as const)('m=%i k=%i n=%i bias=%s: the same bits as a float32 loop in k order, A as is and transposed', (m, k, n, withBias) => {
    const av = randomValues(m * k, m + 1);
    const bv = randomValues(k * n, k + 2);
    const biasv = withBias ? randomValues(n, n + 3) : null;
    for (const transposeA of [false, true]) {
      const out = tf.tidy(() =>
        gemm(tf.tensor2d(av, transposeA ? [k, m] : [m, k]), tf.tensor2d(bv, [k, n]), biasv ? tf.tensor1d(biasv) : null, { transposeA }),
      );
      expect(out.shape).toEqual([m, n]);
      expect(Array.from(out.dataSync())).toEqual(Array.from(reference(av, bv, biasv, m, k, n, transposeA)));
      out.dispose();
    }
  });

  it("gives the stock XNNPACK matmul's bits (it sums in the same order)", () => {
    const [m, k, n] = [37, 128, 66];
    const a = tf.tensor2d(randomValues(m * k, 5), [m, k]);
    const b = tf.tensor2d(randomValues(k * n, 6), [k, n]);
    const bias = tf.tensor1d(randomValues(n, 7));
    const ours = gemm(a, b, bias);
    const stock = tf.fused.matMul({ a, b, bias });
    expect(Array.from(ours.dataSync())).toEqual(Array.from(stock.dataSync()));
    tf.dispose([a, b, bias, ours, stock]);
  });

  it('an empty inner dimension gives zeros, plus the bias (the stock matmul leaves garbage)', () => {
    const out = gemm(tf.zeros([3, 0]) as tf.Tensor2D, tf.zeros([0, 2]) as tf.Tensor2D, tf.tensor1d([1, 2]));
    expect(Array.from(out.dataSync())).toEqual([1, 2, 1, 2, 1, 2]);
  });

  it('names the expected shapes when they do not fit', () => {
    expect(() => gemm(tf.zeros([3, 4]) as tf.Tensor2D, tf.zeros([5, 2]) as tf.Tensor2D)).toThrow(/WeftGemm: expects a \[M, K\].*Received: \[3,4\], \[5,2\]/);
  });

  it('gemmOn declines an empty inner dimension', () => {
    const memory = ((tf.backend() as BackendWasm).wasm as unknown as { asm: { memory: { buffer: ArrayBuffer } } }).asm.memory;
    expect(gemmOn(memory, { k: 0, n: 8, lda: 0, ldb: 8, ldc: 8, bias: false })).toBeNull();
    expect(gemmOn(memory, { k: 3, n: 6, lda: 3, ldb: 6, ldc: 6, bias: false })).not.toBeNull();

  });
});
