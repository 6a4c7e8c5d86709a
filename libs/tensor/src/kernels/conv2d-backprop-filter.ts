import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { conv2DGeometry, imagesPerBlock, sliceImages, toChannelsLast } from './conv-geometry';
import { matMul2D, withShape, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

type Attrs = tf.Conv2DBackpropFilterAttrs & { dilations?: [number, number] | number };

/**
 * dW[kh,kw,ci,co] = sum over (b,oh,ow) of x[b, oh*sh-top+kh*dh, ow*sw-left+kw*dw, ci] * dy[b,oh,ow,co],
 * computed as im2col(x)^T [KH*KW*CI, N] x dy [N, CO] with the im2col matrix written already
 * transposed, so the matmul is a plain one (the wasm backend's transposed matmuls are slow).
 */
function conv2DBackpropFilter({ inputs, backend, attrs }: WasmKernelArgs<Attrs>): tf.TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape, dilations } = attrs;
  if (dataFormat === 'NCHW') {
    const x = toChannelsLast(backend, inputs.x);
    const dy = toChannelsLast(backend, inputs.dy);
    const dw = filterGradNHWC(backend, x, dy, filterShape, strides, pad, dilations, dimRoundingMode);
    backend.disposeData(x.dataId);
    backend.disposeData(dy.dataId);
    return dw;
  }
  return filterGradNHWC(backend, inputs.x, inputs.dy, filterShape, strides, pad, dilations, dimRoundingMode);
}

function filterGradNHWC(
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  filterShape: Attrs['filterShape'],
  strides: Attrs['strides'],
  pad: Attrs['pad'],
  dilations: Attrs['dilations'],
  dimRoundingMode: Attrs['dimRoundingMode'],
): tf.TensorInfo {
  const info = conv2DGeometry(x.shape, filterShape, strides, pad, dilations, dimRoundingMode);
  const { batchSize, inChannels, outHeight, outWidth, outChannels } = info;
  const expectedDy = [batchSize, outHeight, outWidth, outChannels];
  if (dy.shape.join() !== expectedDy.join()) {
    throw new Error(`Conv2DBackpropFilter: dy has shape [${dy.shape}], expected [${expectedDy}] for x [${x.shape}].`);
  }
  const rows = filterShape[0] * filterShape[1] * inChannels;
  const rowsPerImage = outHeight * outWidth;
  const perBlock = imagesPerBlock(rowsPerImage, rows, batchSize);
  let result: tf.TensorInfo | null = null;
  for (let b0 = 0; b0 < batchSize; b0 += perBlock) {
    const count = Math.min(perBlock, batchSize - b0);
    const n = count * rowsPerImage;
    const dyBlock = count === batchSize ? dy : sliceImages(backend, dy, b0, count, rowsPerImage * outChannels);
    const colsT = backend.makeOutput([rows, n], 'float32');
    fillTransposedIm2Col(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(colsT) as Float32Array, info, b0, count);
    const partial = matMul2D(backend, colsT, dyBlock, rows, n, outChannels);
    backend.disposeData(colsT.dataId);
    if (dyBlock !== dy) backend.disposeData(dyBlock.dataId);
    if (result === null) result = partial;
    else {
      const acc = backend.typedArrayFromHeap(withShape(result, [rows * outChannels])) as Float32Array;
      const add = backend.typedArrayFromHeap(withShape(partial, [rows * outChannels])) as Float32Array;
      for (let i = 0; i < acc.length; i++) acc[i] += add[i];
      backend.disposeData(partial.dataId);
    }
  }
  return withShape(result as tf.TensorInfo, [...filterShape]);
}

/** colsT[(kh*KW+kw)*CI+ci][(b-b0)*OH*OW + oh*OW + ow] = x[b, ih, iw, ci], zero outside the image. */
function fillTransposedIm2Col(x: Float32Array, colsT: Float32Array, info: tf.backend_util.Conv2DInfo, b0: number, count: number): void {
  const { inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const n = count * OH * OW;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      // Output columns whose input column iw = ow*sw - left + kw*dw lies inside [0, W).
      const colShift = kw * dw - left;
      const owStart = Math.max(0, Math.ceil(-colShift / sw));
      const owEnd = Math.min(OW, Math.floor((W - 1 - colShift) / sw) + 1);
      for (let ci = 0; ci < CI; ci++) {
        let dst = ((kh * KW + kw) * CI + ci) * n;
        for (let b = b0; b < b0 + count; b++) {
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * sh - top + kh * dh;
            if (ih < 0 || ih >= H || owStart >= owEnd) {
              colsT.fill(0, dst, dst + OW);
              dst += OW;
              continue;
            }
            const rowBase = (b * H + ih) * W;
            let ow = 0;
            for (; ow < owStart; ow++) colsT[dst++] = 0;
            let src = (rowBase + owStart * sw + colShift) * CI + ci;
            const step = sw * CI;
            for (; ow < owEnd; ow++, src += step) colsT[dst++] = x[src];
            for (; ow < OW; ow++) colsT[dst++] = 0;
          }
        }
      }
    }
  }
}

export const conv2DBackpropFilterKernel: WasmKernel<Attrs> = {
  kernelName: tf.Conv2DBackpropFilter,
  kernelFunc: conv2DBackpropFilter,
};
