import * as tf from '@tensorflow/tfjs-core';
import { transposeLastTwoSimd } from './transpose-simd';
import { runStockKernel, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/**
 * Transpose. An identity permutation (or one that only moves axes of extent 1) keeps the element
 * order, so the output shares the input's memory, as Identity does; tfjs's gather gradient
 * transposes the 20000x128 embedding gradient by [0, 1] every step. Swapping the last two axes
 * (extents multiples of 4) is a SIMD block transpose (transpose-simd.ts). Other permutations go to
 * the stock kernel.
 */
function transpose({ inputs, backend, attrs }: WasmKernelArgs<tf.TransposeAttrs>): tf.TensorInfo {
  const { x } = inputs;
  const { perm } = attrs;
  const moved = perm.filter((axis) => x.shape[axis] !== 1);
  const keepsOrder = moved.every((axis, i) => i === 0 || moved[i - 1] < axis);
  if (!keepsOrder || x.dtype === 'string') {
    const rank = perm.length;
    const swapsLastTwo = rank >= 2 && perm.every((axis, i) => axis === (i === rank - 2 ? rank - 1 : i === rank - 1 ? rank - 2 : i));
    return (swapsLastTwo && transposeLastTwoSimd(backend, x)) || runStockKernel(tf.Transpose, backend, inputs, attrs);
  }
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: perm.map((axis) => x.shape[axis]), dtype: x.dtype };
}

export const transposeKernel: WasmKernel<tf.TransposeAttrs> = {
  kernelName: tf.Transpose,
  kernelFunc: transpose as unknown as WasmKernel<tf.TransposeAttrs>['kernelFunc'],
};
