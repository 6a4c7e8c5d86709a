import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { conv2DGeometry, imagesPerBlock, sliceImages, toChannelsFirst, toChannelsLast } from './conv-geometry';
import { heapF32, matMul2D, transposeLastTwo, withShape, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

type Attrs = tf.Conv2DBackpropInputAttrs & { dilations?: [number, number] | number };

/**
 * dx = col2im(dy [N, CO] x W^T [CO, KH*KW*CI]): one plain matmul against the (small) transposed
 * filter, then each row of the product is added back to the input positions its window covered.
 */
function conv2DBackpropInput({ inputs, backend, attrs }: WasmKernelArgs<Attrs>): tf.TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, inputShape, dilations } = attrs;
  if (dataFormat === 'NCHW') {
    const [b, c, h, w] = inputShape;
    const dy = toChannelsLast(backend, inputs.dy);
    const dxNHWC = inputGradNHWC(backend, dy, inputs.filter, [b, h, w, c], strides, pad, dilations, dimRoundingMode);
    const dx = toChannelsFirst(backend, dxNHWC);
    backend.disposeData(dy.dataId);
    backend.disposeData(dxNHWC.dataId);
    return dx;
  }
  return inputGradNHWC(backend, inputs.dy, inputs.filter, [...inputShape], strides, pad, dilations, dimRoundingMode);
}

function inputGradNHWC(
  backend: BackendWasm,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  inShape: number[],
  strides: Attrs['strides'],
  pad: Attrs['pad'],
  dilations: Attrs['dilations'],
  dimRoundingMode: Attrs['dimRoundingMode'],
): tf.TensorInfo {
  const info = conv2DGeometry(inShape, filter.shape, strides, pad, dilations, dimRoundingMode);
  const { batchSize, inChannels, outHeight, outWidth, outChannels } = info;
  const expectedDy = [batchSize, outHeight, outWidth, outChannels];
  if (dy.shape.join() !== expectedDy.join()) {
    throw new Error(`Conv2DBackpropInput: dy has shape [${dy.shape}], expected [${expectedDy}] for input [${inShape}].`);
  }
  const cols = info.filterHeight * info.filterWidth * inChannels;
  const rowsPerImage = outHeight * outWidth;
  const filterT = transposeLastTwo(backend, withShape(filter, [cols, outChannels]));
  const dx = backend.makeOutput(inShape, 'float32');
  heapF32(backend, dx).fill(0);
  const perBlock = imagesPerBlock(rowsPerImage, cols, batchSize);
  for (let b0 = 0; b0 < batchSize; b0 += perBlock) {
    const count = Math.min(perBlock, batchSize - b0);
    const n = count * rowsPerImage;
    const dyBlock = count === batchSize ? dy : sliceImages(backend, dy, b0, count, rowsPerImage * outChannels);
    const dcols = matMul2D(backend, dyBlock, filterT, n, outChannels, cols);
    addCol2Im(heapF32(backend, withShape(dcols, [n * cols])), heapF32(backend, dx), info, b0, count);
    backend.disposeData(dcols.dataId);
    if (dyBlock !== dy) backend.disposeData(dyBlock.dataId);
  }
  backend.disposeData(filterT.dataId);
  return dx;
}

/** dx[b, ih, iw, :] += dcols[(b-b0)*OH*OW + oh*OW + ow, (kh*KW+kw)*CI : +CI] for every window tap inside the image. */
function addCol2Im(dcols: Float32Array, dx: Float32Array, info: tf.backend_util.Conv2DInfo, b0: number, count: number): void {
  const { inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const cols = KH * KW * CI;
  let row = 0;
  for (let b = b0; b < b0 + count; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, row++) {
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * sh - top + kh * dh;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw - left + kw * dw;
            if (iw < 0 || iw >= W) continue;
            const src = row * cols + (kh * KW + kw) * CI;
            const dst = ((b * H + ih) * W + iw) * CI;
            for (let ci = 0; ci < CI; ci++) dx[dst + ci] += dcols[src + ci];
          }
        }
      }
    }
  }
}

export const conv2DBackpropInputKernel: WasmKernel<Attrs> = {
  kernelName: tf.Conv2DBackpropInput,
  kernelFunc: conv2DBackpropInput,
};
