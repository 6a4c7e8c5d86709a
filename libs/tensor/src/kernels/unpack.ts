import * as tf from '@tensorflow/tfjs-core';
import type { WasmKernel, WasmKernelArgs } from './wasm-kernel-utils';

/**
 * Unpack (unstack) as block copies. The stock wasm kernel slices once per output and took
 * about 30 ms to split an LSTM's [80, 32, 128] input into its timesteps.
 */
function unpack({ inputs, backend, attrs }: WasmKernelArgs<tf.UnpackAttrs>): tf.TensorInfo[] {
  const { value } = inputs;
  const rank = value.shape.length;
  const axis = attrs.axis < 0 ? attrs.axis + rank : attrs.axis;
  const count = value.shape[axis];
  const outer = tf.util.sizeFromShape(value.shape.slice(0, axis));
  const inner = tf.util.sizeFromShape(value.shape.slice(axis + 1));
  const outShape = value.shape.filter((_, d) => d !== axis);
  const outs = Array.from({ length: count }, () => backend.makeOutput(outShape, value.dtype));
  // Views only after every allocation: an allocation may grow (and so detach) the heap.
  const src = backend.typedArrayFromHeap(value);
  for (let k = 0; k < count; k++) {
    const dst = backend.typedArrayFromHeap(outs[k]);
    for (let o = 0; o < outer; o++) {
      const from = (o * count + k) * inner;
      if (inner >= 16) dst.set(src.subarray(from, from + inner), o * inner);
      else for (let j = 0; j < inner; j++) dst[o * inner + j] = src[from + j];
    }
  }
  return outs;
}

export const unpackKernel: WasmKernel<tf.UnpackAttrs> = {
  kernelName: tf.Unpack,
  kernelFunc: unpack as unknown as WasmKernel<tf.UnpackAttrs>['kernelFunc'],
};
