import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { conv2DGeometry, imagesPerBlock, sliceImages, toChannelsLast } from './conv-geometry';
import { heapF32, matMul2D, runStockKernel, withShape, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

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
  const xT = runStockKernel('Transpose', backend, { x }, { perm: [3, 0, 1, 2] });
  let result: tf.TensorInfo | null = null;
  for (let b0 = 0; b0 < batchSize; b0 += perBlock) {
    const count = Math.min(perBlock, batchSize - b0);
    const n = count * rowsPerImage;
    const dyBlock = count === batchSize ? dy : sliceImages(backend, dy, b0, count, rowsPerImage * outChannels);
    const colsT = backend.makeOutput([rows, n], 'float32');
    fillTransposedIm2Col(heapF32(backend, xT), heapF32(backend, colsT), info, b0, count);
    const partial = matMul2D(backend, colsT, dyBlock, rows, n, outChannels);
    backend.disposeData(colsT.dataId);
    if (dyBlock !== dy) backend.disposeData(dyBlock.dataId);
    if (result === null) result = partial;
    else {
      const acc = heapF32(backend, withShape(result, [rows * outChannels]));
      const add = heapF32(backend, withShape(partial, [rows * outChannels]));
      for (let i = 0; i < acc.length; i++) acc[i] += add[i];
      backend.disposeData(partial.dataId);
    }
  }
  backend.disposeData(xT.dataId);
  if (result === null) {
    // No output positions (an empty batch): the gradient is zero.
    result = backend.makeOutput([...filterShape], 'float32');
    heapF32(backend, result).fill(0);
  }
  return withShape(result, [...filterShape]);
}

/**
 * colsT[(kh*KW+kw)*CI+ci][(b-b0)*OH*OW + oh*OW + ow] = xT[ci, b, ih, iw], zero outside the image.
 * Reading from the channels-first copy xT makes each output row a run of (strided by sw) reads
 * instead of one read per cache line of x.
 */
function fillTransposedIm2Col(xT: Float32Array, colsT: Float32Array, info: tf.backend_util.Conv2DInfo, b0: number, count: number): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const n = count * OH * OW;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      // Output columns whose input column iw = ow*sw - left + kw*dw lies inside [0, W).
      const colShift = kw * dw - left;
      const owStart = Math.min(OW, Math.max(0, Math.ceil(-colShift / sw)));
      const owEnd = Math.max(owStart, Math.min(OW, Math.floor((W - 1 - colShift) / sw) + 1));
      for (let ci = 0; ci < CI; ci++) {
        let dst = ((kh * KW + kw) * CI + ci) * n;
        for (let b = b0; b < b0 + count; b++) {
          for (let oh = 0; oh < OH; oh++, dst += OW) {
            const ih = oh * sh - top + kh * dh;
            if (ih < 0 || ih >= H) {
              colsT.fill(0, dst, dst + OW);
              continue;
            }
            colsT.fill(0, dst, dst + owStart);
            const src = ((ci * B + b) * H + ih) * W + owStart * sw + colShift;
            if (sw === 1) colsT.set(xT.subarray(src, src + owEnd - owStart), dst + owStart);
            else for (let ow = owStart, s = src; ow < owEnd; ow++, s += sw) colsT[dst + ow] = xT[s];
            colsT.fill(0, dst + owEnd, dst + OW);
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
