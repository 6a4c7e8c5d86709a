import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runStockKernel, transposeLastTwo, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

const plain = { transposeA: false, transposeB: false };

/**
 * The wasm backend's BatchMatMul runs 4-12x slower with transposeA/transposeB than without, and
 * every backward matmul transposes one operand: transposing explicitly, then a plain matmul, is
 * far faster. Of the two equivalent plans (transpose the operand, or swap the operands and
 * transpose the other one and the product: A B^T = (B A^T)^T), the one that moves fewer floats runs.
 */
function batchMatMul({ inputs, backend, attrs }: WasmKernelArgs<tf.BatchMatMulAttrs>): tf.TensorInfo {
  const { transposeA, transposeB } = attrs;
  const { a, b } = inputs;
  if (!transposeA && !transposeB) return runStockKernel(tf.BatchMatMul, backend, inputs, attrs);
  const sizeA = tf.util.sizeFromShape(a.shape);
  const sizeB = tf.util.sizeFromShape(b.shape);
  const rowsOut = transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2];
  const colsOut = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  const batch = Math.max(tf.util.sizeFromShape(a.shape.slice(0, -2)), tf.util.sizeFromShape(b.shape.slice(0, -2)));
  const sizeOut = batch * rowsOut * colsOut;
  // Floats transposed by each plan: direct = the transposed operands; swapped = the operands
  // left untransposed by the caller, plus the product.
  const direct = (transposeA ? sizeA : 0) + (transposeB ? sizeB : 0);
  const swapped = (transposeA ? 0 : sizeA) + (transposeB ? 0 : sizeB) + sizeOut;
  if (direct <= swapped) {
    return multiplyTransposed(backend, a, b, transposeA, transposeB);
  }
  // (A' B')^T = B'^T A'^T, where X' is X transposed when asked.
  const productT = multiplyTransposed(backend, b, a, !transposeB, !transposeA);
  const out = transposeLastTwo(backend, productT);
  backend.disposeData(productT.dataId);
  return out;
}

/** op(a) op(b) with each op a transpose when asked, done as explicit transposes and a plain matmul. */
function multiplyTransposed(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): tf.TensorInfo {
  const left = transposeA ? transposeLastTwo(backend, a) : a;
  const right = transposeB ? transposeLastTwo(backend, b) : b;
  const out = runStockKernel(tf.BatchMatMul, backend, { a: left, b: right }, plain);
  if (left !== a) backend.disposeData(left.dataId);
  if (right !== b) backend.disposeData(right.dataId);
  return out;
}

export const batchMatMulKernel: WasmKernel<tf.BatchMatMulAttrs> = {
  kernelName: tf.BatchMatMul,
  kernelFunc: batchMatMul,
};
