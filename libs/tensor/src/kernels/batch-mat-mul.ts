import * as tf from '@tensorflow/tfjs-core';
import { runStockKernel, transposeLastTwo, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/**
 * The wasm backend's BatchMatMul runs 10-30x slower with transposeA/transposeB than without,
 * and every backward matmul transposes one operand: transposing explicitly first and running
 * the plain matmul is far faster.
 */
function batchMatMul({ inputs, backend, attrs }: WasmKernelArgs<tf.BatchMatMulAttrs>): tf.TensorInfo {
  const { transposeA, transposeB } = attrs;
  if (!transposeA && !transposeB) return runStockKernel(tf.BatchMatMul, backend, inputs, attrs);
  const a = transposeA ? transposeLastTwo(backend, inputs.a) : inputs.a;
  const b = transposeB ? transposeLastTwo(backend, inputs.b) : inputs.b;
  const out = runStockKernel(tf.BatchMatMul, backend, { a, b }, { transposeA: false, transposeB: false });
  if (a !== inputs.a) backend.disposeData(a.dataId);
  if (b !== inputs.b) backend.disposeData(b.dataId);
  return out;
}

export const batchMatMulKernel: WasmKernel<tf.BatchMatMulAttrs> = {
  kernelName: tf.BatchMatMul,
  kernelFunc: batchMatMul,
};
