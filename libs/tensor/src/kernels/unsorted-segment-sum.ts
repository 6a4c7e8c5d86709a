import * as tf from '@tensorflow/tfjs-core';
import type { WasmKernel, WasmKernelArgs } from './wasm-kernel-utils';

/**
 * out[s] = sum of x[i] over the i with segmentIds[i] == s: one pass that adds each row of x into
 * its segment's row (the gradient of gather, so of every Embedding). Ids outside
 * [0, numSegments) are dropped, as tfjs's cpu kernel drops them.
 */
function unsortedSegmentSum({ inputs, backend, attrs }: WasmKernelArgs<tf.UnsortedSegmentSumAttrs>): tf.TensorInfo {
  const { x, segmentIds } = inputs;
  const { numSegments } = attrs;
  if (segmentIds.dtype !== 'int32') {
    throw new Error(`UnsortedSegmentSum: segmentIds must be int32. Received: dtype=${segmentIds.dtype}`);
  }
  const numIds = tf.util.sizeFromShape(segmentIds.shape);
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = tf.util.sizeFromShape(innerShape);
  if (tf.util.sizeFromShape(x.shape) !== numIds * inner) {
    throw new Error(`UnsortedSegmentSum: x [${x.shape}] must start with the shape of segmentIds [${segmentIds.shape}].`);
  }
  const out = backend.makeOutput([numSegments, ...innerShape], x.dtype);
  const sums = backend.typedArrayFromHeap(out);
  sums.fill(0);
  const values = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  for (let i = 0; i < numIds; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const dst = s * inner;
    const src = i * inner;
    for (let j = 0; j < inner; j++) sums[dst + j] += values[src + j];
  }
  return out;
}

export const unsortedSegmentSumKernel: WasmKernel<tf.UnsortedSegmentSumAttrs> = {
  kernelName: tf.UnsortedSegmentSum,
  kernelFunc: unsortedSegmentSum,
};
