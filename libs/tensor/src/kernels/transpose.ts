import * as tf from '@tensorflow/tfjs-core';
import { runStockKernel, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/**
 * Transpose. An identity permutation (or one that only moves axes of extent 1) keeps the element
 * order, so the output shares the input's memory, as Identity does; tfjs's gather gradient
 * transposes the 20000x128 embedding gradient by [0, 1] every step. Other permutations go to the
 * stock kernel.
 */
function transpose({ inputs, backend, attrs }: WasmKernelArgs<tf.TransposeAttrs>): tf.TensorInfo {
  const { x } = inputs;
  const { perm } = attrs;
  const moved = perm.filter((axis) => x.shape[axis] !== 1);
  const keepsOrder = moved.every((axis, i) => i === 0 || moved[i - 1] < axis);
  if (!keepsOrder || x.dtype === 'string') return runStockKernel(tf.Transpose, backend, inputs, attrs);
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: perm.map((axis) => x.shape[axis]), dtype: x.dtype };
}

export const transposeKernel: WasmKernel<tf.TransposeAttrs> = {
  kernelName: tf.Transpose,
  kernelFunc: transpose as unknown as WasmKernel<tf.TransposeAttrs>['kernelFunc'],
};
