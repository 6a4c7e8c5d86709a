import * as tf from '@tensorflow/tfjs-core';
import { heapF32, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/** Names of the 1D patch kernels (ours; wasm only). */
export const WEFT_IM2COL_1D = 'WeftIm2Col1D';
export const WEFT_COL2IM_1D = 'WeftCol2Im1D';

export interface Im2Col1DAttrs {
  kernelSize: number;
  stride: number;
}

/** Output steps of a valid 1D window: floor((L - K) / stride) + 1. */
const outputSteps = (length: number, { kernelSize, stride }: Im2Col1DAttrs) => Math.floor((length - kernelSize) / stride) + 1;

/**
 * x [B, L, C] -> patches [B * T, K * C]: row (b, t) is x[b, t * stride .. t * stride + K - 1, :], which
 * is contiguous in x, so each row is one copy on the heap.
 */
function im2col({ inputs: { x }, backend, attrs }: WasmKernelArgs<Im2Col1DAttrs>): tf.TensorInfo {
  const [batch, length, channels] = x.shape;
  const steps = outputSteps(length, attrs);
  if (x.shape.length !== 3 || steps < 1 || attrs.stride < 1) {
    throw new Error(`${WEFT_IM2COL_1D}: expects x [B, L, C] with L >= kernelSize and stride >= 1. Received: [${x.shape}], ${JSON.stringify(attrs)}`);
  }
  const width = attrs.kernelSize * channels;
  const out = backend.makeOutput([batch * steps, width], 'float32');
  const src = heapF32(backend, x);
  const dst = heapF32(backend, out);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < steps; t++) {
      const from = (b * length + t * attrs.stride) * channels;
      dst.set(src.subarray(from, from + width), (b * steps + t) * width);
    }
  }
  return out;
}

/** The gradient of im2col: each patch row added back where it came from (overlapping when stride < K). */
function col2im({ inputs: { dy, x }, backend, attrs }: WasmKernelArgs<Im2Col1DAttrs>): tf.TensorInfo {
  const [batch, length, channels] = x.shape;
  const steps = outputSteps(length, attrs);
  const width = attrs.kernelSize * channels;
  if (!tf.util.arraysEqual(dy.shape, [batch * steps, width])) {
    throw new Error(`${WEFT_COL2IM_1D}: dy must be [${batch * steps}, ${width}]. Received: [${dy.shape}]`);
  }
  const out = backend.makeOutput(x.shape, 'float32');
  const src = heapF32(backend, dy);
  const dst = heapF32(backend, out);
  dst.fill(0);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < steps; t++) {
      const to = (b * length + t * attrs.stride) * channels;
      const from = (b * steps + t) * width;
      for (let i = 0; i < width; i++) dst[to + i] = Math.fround(dst[to + i] + src[from + i]);
    }
  }
  return out;
}

export const im2col1DKernel: WasmKernel<Im2Col1DAttrs> = {
  kernelName: WEFT_IM2COL_1D,
  kernelFunc: im2col as unknown as WasmKernel<Im2Col1DAttrs>['kernelFunc'],
};

export const col2im1DKernel: WasmKernel<Im2Col1DAttrs> = {
  kernelName: WEFT_COL2IM_1D,
  kernelFunc: col2im as unknown as WasmKernel<Im2Col1DAttrs>['kernelFunc'],
};

/**
 * The patches a 1D convolution sees, as rows: x [B, L, C] (already padded) -> [B * T, K * C] with
 * T = floor((L - K) / stride) + 1, row (b, t) holding x[b, t * stride + k, :] for k = 0..K-1; a
 * kernel [K, C, F] reshaped to [K * C, F] multiplies it. Differentiable (col2im). Needs the wasm
 * backend with weft's kernels (see hasIm2Col).
 */
export function im2col1d(x: tf.Tensor3D, kernelSize: number, stride: number): tf.Tensor2D {
  const attrs = { kernelSize, stride } as unknown as tf.NamedAttrMap;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([input]);
    return {
      value: tf.engine().runKernel(WEFT_IM2COL_1D, { x: input }, attrs) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(WEFT_COL2IM_1D, { dy, x: saved[0] }, attrs) as tf.Tensor,
    };
  });
  return op(x) as tf.Tensor2D;
}

/** Whether the active backend has the im2col kernels (wasm with weft's kernels). */
export const hasIm2Col = (): boolean => !!tf.getKernel(WEFT_IM2COL_1D, tf.getBackend());
