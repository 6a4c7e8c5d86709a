import * as tf from '@tensorflow/tfjs-core';
import { heapF32, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/**
 * Each output's gradient goes to the first maximum of its window in row-major scan order
 * (as tfjs's cpu kernel picks it). Channels are the inner loop, so x and dx are read in order.
 * Replaces the stock wasm MaxPoolGrad, whose results disagree with the cpu backend's (tfjs 4.22,
 * e.g. x [2,1,10,3], pool [1,2]) and which is 3x slower at the IMDB CNN's shape.
 */
function maxPoolGrad({ inputs, backend, attrs }: WasmKernelArgs<tf.MaxPoolGradAttrs>): tf.TensorInfo {
  const { dy, input } = inputs;
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: FH, effectiveFilterWidth: FW } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const dxInfo = backend.makeOutput(input.shape, 'float32');
  const dx = heapF32(backend, dxInfo);
  dx.fill(0);
  const x = heapF32(backend, input);
  const g = heapF32(backend, dy);
  const best = new Float32Array(C);
  const where = new Int32Array(C);
  let gOff = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const hStart = Math.max(0, oh * sh - top);
      const hEnd = Math.min(H, oh * sh - top + FH);
      for (let ow = 0; ow < OW; ow++, gOff += C) {
        const wStart = Math.max(0, ow * sw - left);
        const wEnd = Math.min(W, ow * sw - left + FW);
        best.fill(-Infinity);
        where.fill(-1);
        for (let ih = hStart; ih < hEnd; ih++) {
          for (let iw = wStart; iw < wEnd; iw++) {
            const base = ((b * H + ih) * W + iw) * C;
            for (let c = 0; c < C; c++) {
              const v = x[base + c];
              if (v > best[c]) {
                best[c] = v;
                where[c] = base + c;
              }
            }
          }
        }
        for (let c = 0; c < C; c++) if (where[c] >= 0) dx[where[c]] += g[gOff + c];
      }
    }
  }
  return dxInfo;
}

export const maxPoolGradKernel: WasmKernel<tf.MaxPoolGradAttrs> = {
  kernelName: tf.MaxPoolGrad,
  kernelFunc: maxPoolGrad,
};
