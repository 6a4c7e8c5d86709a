import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32, runStockKernel } from './wasm-kernel-utils';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

/** Conv geometry for the NHWC layout, dilations included (tfjs's gradient kernels take none; ours accept them). */
export function conv2DGeometry(
  inShapeNHWC: number[],
  filterShape: number[],
  strides: [number, number] | number,
  pad: Pad,
  dilations: [number, number] | number | undefined,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    inShapeNHWC as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
}

/** NCHW -> NHWC or back, through the stock Transpose kernel. */
export function toChannelsLast(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  return runStockKernel('Transpose', backend, { x }, { perm: [0, 2, 3, 1] });
}
export function toChannelsFirst(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  return runStockKernel('Transpose', backend, { x }, { perm: [0, 3, 1, 2] });
}

let maxBlockFloats = 1 << 24;

/** Caps an im2col block at this many floats (64 MB by default); returns the previous cap. */
export function setIm2ColBlockFloats(floats: number): number {
  const previous = maxBlockFloats;
  maxBlockFloats = floats;
  return previous;
}

/** How many images go into one im2col block, so that a block stays under the cap. */
export function imagesPerBlock(rowsPerImage: number, colsPerRow: number, batchSize: number): number {
  return Math.max(1, Math.min(batchSize, Math.floor(maxBlockFloats / Math.max(1, rowsPerImage * colsPerRow))));
}

/** Copies images [b0, b0+count) of an NHWC tensor into a new flat tensor. */
export function sliceImages(
  backend: BackendWasm,
  x: tf.TensorInfo,
  b0: number,
  count: number,
  floatsPerImage: number,
): tf.TensorInfo {
  const out = backend.makeOutput([count * floatsPerImage], 'float32');
  const src = heapF32(backend, x);
  const dst = heapF32(backend, out);
  dst.set(src.subarray(b0 * floatsPerImage, (b0 + count) * floatsPerImage));
  return out;
}
