import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runStockKernel, transposeLastTwo, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/**
 * _FusedMatMul (matmul + bias + activation). Fixes over the stock wasm kernel (tfjs 4.22), whose
 * results disagree with the cpu backend when an operand is transposed and a bias is given, and
 * when the batch is larger than one and a bias is given: transposed operands are transposed
 * explicitly first (which is also faster, as in batch-mat-mul.ts), and a batched matmul with a bias
 * or prelu weights is composed from separate kernels.
 */
function fusedMatMul({ inputs, backend, attrs }: WasmKernelArgs<tf._FusedMatMulAttrs>): tf.TensorInfo {
  const { transposeA, transposeB } = attrs;
  const batch = Math.max(batchSize(inputs.a), batchSize(inputs.b));
  const needsComposition = batch > 1 && (inputs.bias != null || inputs.preluActivationWeights != null);
  if (!transposeA && !transposeB && !needsComposition) return runStockKernel(tf._FusedMatMul, backend, inputs, attrs);
  const a = transposeA ? transposeLastTwo(backend, inputs.a) : inputs.a;
  const b = transposeB ? transposeLastTwo(backend, inputs.b) : inputs.b;
  const plain = { transposeA: false, transposeB: false };
  const out = needsComposition
    ? withBiasAndActivation(backend, runStockKernel(tf.BatchMatMul, backend, { a, b }, plain), inputs, attrs)
    : runStockKernel(tf._FusedMatMul, backend, { ...inputs, a, b }, { ...attrs, ...plain });
  if (a !== inputs.a) backend.disposeData(a.dataId);
  if (b !== inputs.b) backend.disposeData(b.dataId);
  return out;
}

function batchSize(x: tf.TensorInfo): number {
  return tf.util.sizeFromShape(x.shape.slice(0, -2));
}

function withBiasAndActivation(
  backend: BackendWasm,
  product: tf.TensorInfo,
  inputs: WasmKernelArgs['inputs'],
  { activation, leakyreluAlpha }: tf._FusedMatMulAttrs,
): tf.TensorInfo {
  let y = product;
  const step = (next: tf.TensorInfo) => {
    backend.disposeData(y.dataId);
    y = next;
  };
  if (inputs.bias) step(runStockKernel(tf.Add, backend, { a: y, b: inputs.bias }));
  switch (activation) {
    case undefined:
    case 'linear':
      break;
    case 'relu':
      step(runStockKernel(tf.Relu, backend, { x: y }));
      break;
    case 'relu6':
      step(runStockKernel(tf.Relu6, backend, { x: y }));
      break;
    case 'elu':
      step(runStockKernel(tf.Elu, backend, { x: y }));
      break;
    case 'sigmoid':
      step(runStockKernel(tf.Sigmoid, backend, { x: y }));
      break;
    case 'leakyrelu':
      step(runStockKernel(tf.LeakyRelu, backend, { x: y }, { alpha: leakyreluAlpha ?? 0.2 }));
      break;
    case 'prelu':
      step(runStockKernel(tf.Prelu, backend, { x: y, alpha: inputs.preluActivationWeights }));
      break;
    default:
      throw new Error(`_FusedMatMul: unknown activation '${String(activation)}'.`);
  }
  return y;
}

export const fusedMatMulKernel: WasmKernel<tf._FusedMatMulAttrs> = {
  kernelName: tf._FusedMatMul,
  kernelFunc: fusedMatMul,
};
