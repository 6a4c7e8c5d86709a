import * as tf from '@tensorflow/tfjs-core';
import { gemmSupports } from './gemm-simd';
import { gemmFor, heapOffset, runStockKernel, transposeLastTwo, withShape, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/** Name of the register-blocked matmul kernel (ours; wasm only). */
export const WEFT_GEMM = 'WeftGemm';

export interface GemmAttrs {
  /** a is given as a^T, [K, M]. */
  transposeA: boolean;
}

/**
 * a [M, K] (or a^T [K, M]) x b [K, N] (+ bias [N]) with gemm-simd.ts; the stock _FusedMatMul where
 * that does not apply (no wasm SIMD, K = 0). B is packed into a scratch panel first (gemm-simd.ts).
 */
function gemmWasm({ inputs, backend, attrs }: WasmKernelArgs<GemmAttrs>): tf.TensorInfo {
  const { a, b, bias } = inputs;
  const transposeA = !!attrs.transposeA;
  const [m, k] = transposeA ? [a.shape[1], a.shape[0]] : a.shape;
  const n = b.shape[1];
  if (a.shape.length !== 2 || b.shape.length !== 2 || b.shape[0] !== k || (bias && !tf.util.arraysEqual(bias.shape, [n]))) {
    throw new Error(
      `${WEFT_GEMM}: expects a [M, K] (a^T [K, M] with transposeA), b [K, N] and an optional bias [N]. ` +
        `Received: [${a.shape}]${transposeA ? ' (transposed)' : ''}, [${b.shape}]${bias ? `, [${bias.shape}]` : ''}`,
    );
  }
  if ([a, b, bias].some((t) => t && t.dtype !== 'float32')) throw new Error(`${WEFT_GEMM}: every input must be float32.`);
  const gemm = gemmFor(backend, k, n, !!bias, transposeA, m);
  if (!gemm) {
    // The stock kernel is wrong with a bias and a transposed operand (fused-mat-mul.ts): transpose first.
    const plainA = transposeA ? transposeLastTwo(backend, a) : a;
    const out = runStockKernel(
      tf._FusedMatMul,
      backend,
      { a: withShape(plainA, [1, m, k]), b: withShape(b, [1, k, n]), ...(bias ? { bias } : {}) },
      { transposeA: false, transposeB: false, activation: 'linear' },
    );
    if (plainA !== a) backend.disposeData(plainA.dataId);
    return withShape(out, [m, n]);
  }
  const out = backend.makeOutput([m, n], 'float32');
  if (m === 0) return out;
  const panel = gemm.panelBytes > 0 ? backend.makeOutput([gemm.panelBytes / 4], 'float32') : null;
  const panelAt = panel ? heapOffset(backend, panel) : 0;
  gemm.pack(heapOffset(backend, b), panelAt);
  gemm.run(heapOffset(backend, a), heapOffset(backend, b), heapOffset(backend, out), bias ? heapOffset(backend, bias) : 0, m, panelAt);
  if (panel) backend.disposeData(panel.dataId);
  return out;
}

export const gemmKernel: WasmKernel<GemmAttrs> = {
  kernelName: WEFT_GEMM,
  kernelFunc: gemmWasm as unknown as WasmKernel<GemmAttrs>['kernelFunc'],
};

/**
 * a [M, K] x b [K, N] (+ bias [N]) in float32, not differentiable (for use inside custom
 * gradients); with `transposeA`, a is given as [K, M] and a^T b is computed. On wasm with weft's
 * kernels, a register-blocked SIMD matmul, 1.1-1.3x the stock XNNPACK one on the LSTM's operands
 * (tools/src/bench/kernels.ts); elsewhere tf.fused.matMul. Both sum in the same order, so the values
 * are the same.
 */
export function gemm(a: tf.Tensor2D, b: tf.Tensor2D, bias?: tf.Tensor1D | null, { transposeA = false } = {}): tf.Tensor2D {
  const k = transposeA ? a.shape[0] : a.shape[1];
  // The stock wasm matmul leaves its output uninitialised when k = 0 (tfjs 4.22).
  if (k === 0) {
    const shape: [number, number] = [transposeA ? a.shape[1] : a.shape[0], b.shape[1]];
    return tf.tidy(() => (bias ? tf.add(tf.zeros(shape), bias) : tf.zeros(shape))) as tf.Tensor2D;
  }
  const usable = !!tf.getKernel(WEFT_GEMM, tf.getBackend()) && gemmSupports({ k, n: b.shape[1] });
  if (!usable) return tf.fused.matMul({ a, b, bias: bias ?? undefined, transposeA }) as tf.Tensor2D;
  const attrs: GemmAttrs = { transposeA };
  return tf.engine().runKernel(WEFT_GEMM, bias ? { a, b, bias } : { a, b }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}
