import * as tf from '@tensorflow/tfjs-core';
import { reduceSimdOn } from './reduce-simd';
import type { WasmMemory } from './wasm-asm';
import { runStockKernel, withShape, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/**
 * out[s] = sum of the rows x[i] with segmentIds[i] == s (the gradient of gather, so of every
 * Embedding). Ids outside [0, numSegments) are dropped, as tfjs's cpu kernel drops them. When every
 * id is in range, a zero fill then a wasm SIMD scatter-add of the rows (reduce-simd.ts; the stock
 * ScatterNd, which sums rows in the same order, without SIMD) does the work; otherwise a JS loop
 * skips the bad ids (ScatterNd would write out of bounds).
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
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;
  if (x.dtype === 'float32' && numIds > 0 && inner > 0 && allInRange(ids, numSegments)) {
    const memory = (backend.wasm as unknown as { asm?: { memory?: WasmMemory } }).asm?.memory;
    const simd = memory ? reduceSimdOn(memory) : null;
    if (simd) {
      const out = backend.makeOutput([numSegments, ...innerShape], 'float32');
      (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
      const offset = (t: tf.TensorInfo) => (backend.dataIdMap.get(t.dataId) as unknown as { memoryOffset: number }).memoryOffset;
      simd.scatterAdd(offset(x), offset(out), offset(segmentIds), numIds, inner);
      return out;
    }
    return runStockKernel(
      'ScatterNd',
      backend,
      { indices: withShape(segmentIds, [numIds, 1]), updates: withShape(x, [numIds, ...innerShape]) },
      { shape: [numSegments, ...innerShape] },
    );
  }
  const out = backend.makeOutput([numSegments, ...innerShape], x.dtype);
  const sums = backend.typedArrayFromHeap(out);
  sums.fill(0);
  addRows(sums, backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(segmentIds) as Int32Array, numSegments, inner);
  return out;
}

function allInRange(ids: Int32Array, numSegments: number): boolean {
  for (let i = 0; i < ids.length; i++) if (ids[i] < 0 || ids[i] >= numSegments) return false;
  return true;
}

/** sums[ids[i]] += values[i] row by row, skipping ids outside [0, numSegments). */
function addRows(sums: tf.TypedArray, values: tf.TypedArray, ids: Int32Array, numSegments: number, inner: number): void {
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const dst = s * inner;
    const src = i * inner;
    for (let j = 0; j < inner; j++) sums[dst + j] += values[src + j];
  }
}

export const unsortedSegmentSumKernel: WasmKernel<tf.UnsortedSegmentSumAttrs> = {
  kernelName: tf.UnsortedSegmentSum,
  kernelFunc: unsortedSegmentSum,
};
