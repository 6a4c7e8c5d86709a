import * as tf from '@tensorflow/tfjs-core';
import { gemmSupports } from './gemm-simd';
import { gemmFor, heapOffset, runStockKernel, withShape, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/** Name of the register-blocked matmul kernel (ours; wasm only). */
export const WEFT_GEMM = 'WeftGemm';

/**
 * a [M, K] x b [K, N] (+ bias [N]) with gemm-simd.ts; the stock _FusedMatMul where that does not
 * apply (N not a multiple of 4, no wasm SIMD, K = 0).
 */
function gemmWasm({ inputs, backend }: WasmKernelArgs): tf.TensorInfo {
  const { a, b, bias } = inputs;
  const [m, k] = a.shape;
  const n = b.shape[1];
  if (a.shape.length !== 2 || b.shape.length !== 2 || b.shape[0] !== k || (bias && !tf.util.arraysEqual(bias.shape, [n]))) {
    throw new Error(`${WEFT_GEMM}: expects a [M, K], b [K, N] and an optional bias [N]. Received: [${a.shape}], [${b.shape}]${bias ? `, [${bias.shape}]` : ''}`);
  }
  if ([a, b, bias].some((t) => t && t.dtype !== 'float32')) throw new Error(`${WEFT_GEMM}: every input must be float32.`);
  const gemm = gemmFor(backend, k, n, !!bias);
  if (!gemm) {
    const out = runStockKernel(tf._FusedMatMul, backend, { a: withShape(a, [1, m, k]), b: withShape(b, [1, k, n]), ...(bias ? { bias } : {}) }, {
      transposeA: false,
      transposeB: false,
      activation: 'linear',
    });
    return withShape(out, [m, n]);
  }
  const out = backend.makeOutput([m, n], 'float32');
  if (m > 0) gemm(heapOffset(backend, a), heapOffset(backend, b), heapOffset(backend, out), bias ? heapOffset(backend, bias) : 0, m);
  return out;
}

export const gemmKernel: WasmKernel = {
  kernelName: WEFT_GEMM,
  kernelFunc: gemmWasm as unknown as WasmKernel['kernelFunc'],
};

/**
 * a [M, K] x b [K, N] (+ bias [N]) in float32, not differentiable (for use inside custom
 * gradients). On wasm with weft's kernels, a register-blocked SIMD matmul, 1.1-1.3x the stock
 * XNNPACK one on the LSTM's operands (tools/src/bench/kernels.ts); elsewhere tf.fused.matMul.
 * Both sum in the same order, so the values are the same.
 */
export function gemm(a: tf.Tensor2D, b: tf.Tensor2D, bias?: tf.Tensor1D | null): tf.Tensor2D {
  const usable = !!tf.getKernel(WEFT_GEMM, tf.getBackend()) && gemmSupports({ k: a.shape[1], n: b.shape[1] });
  if (!usable) return tf.fused.matMul({ a, b, bias: bias ?? undefined }) as tf.Tensor2D;
  return tf.engine().runKernel(WEFT_GEMM, bias ? { a, b, bias } : { a, b }) as tf.Tensor2D;
}
