import * as tf from '@tensorflow/tfjs-core';
import { runStockKernel, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/**
 * Equal with broadcasting. The wasm backend's broadcasting path costs about 60 ns per element,
 * which made the gradient of max (equal(x, max(x)) over [batch, steps, filters]) the largest
 * cost of a Conv1D + GlobalMaxPool1D step; same-shape inputs still go to the stock SIMD kernel.
 */
function equal({ inputs, backend }: WasmKernelArgs): tf.TensorInfo {
  const { a, b } = inputs;
  if (a.shape.join() === b.shape.join()) return runStockKernel(tf.Equal, backend, inputs);
  const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const out = backend.makeOutput(outShape, 'bool');
  const size = tf.util.sizeFromShape(outShape);
  if (size === 0) return out;
  const result = backend.typedArrayFromHeap(out);
  const av = backend.typedArrayFromHeap(a);
  const bv = backend.typedArrayFromHeap(b);
  const rank = outShape.length;
  const aStrides = broadcastStrides(a.shape, outShape);
  const bStrides = broadcastStrides(b.shape, outShape);
  const inner = outShape[rank - 1];
  const aStep = aStrides[rank - 1];
  const bStep = bStrides[rank - 1];
  // Odometer over all axes but the last; the last axis is the inner loop.
  const index = new Array<number>(rank).fill(0);
  let aOff = 0;
  let bOff = 0;
  for (let o = 0; o < size; o += inner) {
    for (let j = 0, ai = aOff, bi = bOff; j < inner; j++, ai += aStep, bi += bStep) {
      result[o + j] = av[ai] === bv[bi] ? 1 : 0;
    }
    for (let d = rank - 2; d >= 0; d--) {
      index[d]++;
      aOff += aStrides[d];
      bOff += bStrides[d];
      if (index[d] < outShape[d]) break;
      aOff -= aStrides[d] * outShape[d];
      bOff -= bStrides[d] * outShape[d];
      index[d] = 0;
    }
  }
  return out;
}

/** Element strides of `shape` seen through the broadcast `outShape` (0 along broadcast axes). */
function broadcastStrides(shape: number[], outShape: number[]): number[] {
  const rank = outShape.length;
  const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const strides = new Array<number>(rank);
  let stride = 1;
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = padded[d] === 1 ? 0 : stride;
    stride *= padded[d];
  }
  return strides;
}

export const equalKernel: WasmKernel = { kernelName: tf.Equal, kernelFunc: equal };
