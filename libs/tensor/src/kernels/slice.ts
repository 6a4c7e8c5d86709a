import * as tf from '@tensorflow/tfjs-core';
import { runStockKernel, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/**
 * Slice. A slice that is one contiguous run of the input (extent 1 before its first longer axis,
 * whole axes after it, e.g. one timestep of a [T, B, U] tensor) is one block copy; the stock kernel
 * took 0.8 ms for 4,096 floats. Other slices go to the stock kernel.
 */
function slice({ inputs, backend, attrs }: WasmKernelArgs<tf.SliceAttrs>): tf.TensorInfo {
  const { x } = inputs;
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.TensorInfo as tf.Tensor, attrs.begin, attrs.size);
  const run = contiguousRun(x.shape, begin, size);
  if (!run || x.dtype === 'string') return runStockKernel(tf.Slice, backend, inputs, attrs);
  const out = backend.makeOutput(size, x.dtype);
  // Views after the allocation: it may grow (and so move) the heap.
  const src = backend.typedArrayFromHeap(x);
  backend.typedArrayFromHeap(out).set(src.subarray(run.offset, run.offset + run.length));
  return out;
}

/** Element offset and length of the slice when it is one contiguous run of x, else null. */
function contiguousRun(shape: number[], begin: number[], size: number[]): { offset: number; length: number } | null {
  // Axes before the first one with extent > 1 have extent 1; every axis after it must be whole.
  const first = size.findIndex((s) => s !== 1);
  if (first >= 0) {
    for (let i = first + 1; i < shape.length; i++) if (begin[i] !== 0 || size[i] !== shape[i]) return null;
  }
  const strides = tf.util.computeStrides(shape);
  let offset = 0;
  for (let i = 0; i < begin.length - 1; i++) offset += begin[i] * strides[i];
  if (begin.length > 0) offset += begin[begin.length - 1];
  return { offset, length: tf.util.sizeFromShape(size) };
}

export const sliceKernel: WasmKernel<tf.SliceAttrs> = {
  kernelName: tf.Slice,
  kernelFunc: slice as unknown as WasmKernel<tf.SliceAttrs>['kernelFunc'],
};
