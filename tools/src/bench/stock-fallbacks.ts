import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

// What the "without our kernels" runs use where the stock wasm backend has no kernel at all, built
// only from stock wasm kernels. Registered for the stock runs only.

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; backend: BackendWasm; attrs: Record<string, unknown> };

function stock(name: string, backend: BackendWasm, inputs: Record<string, tf.TensorInfo>, attrs: object = {}): tf.TensorInfo {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`stock wasm kernel '${name}' is missing`);
  return (config.kernelFunc as unknown as (a: KernelArgs) => tf.TensorInfo)({ inputs, backend, attrs: attrs as Record<string, unknown> });
}

const view = (t: tf.TensorInfo, shape: number[]): tf.TensorInfo => ({ dataId: t.dataId, dtype: t.dtype, shape });

/** UnsortedSegmentSum as the stock ScatterNd (which sums rows with equal indices; ids must be in range). */
function segmentSumByScatter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x, segmentIds } = inputs;
  const n = segmentIds.shape[0];
  const inner = x.shape.slice(1);
  return stock('ScatterNd', backend, { indices: view(segmentIds, [n, 1]), updates: x }, { shape: [attrs.numSegments as number, ...inner] });
}

/**
 * Conv2DBackpropFilter (NHWC, stride 1, valid, as in the IMDB CNN) as one stock transposed
 * BatchMatMul per filter tap: dW[kh,kw] = x[:, kh:kh+OH, kw:kw+OW, :]^T dy.
 */
function filterGradByTaps({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs;
  const [kh, kw, ci, co] = attrs.filterShape as number[];
  const [b, oh, ow] = dy.shape;
  if (attrs.pad !== 'valid' || !(attrs.strides === 1 || String(attrs.strides) === '1,1') || attrs.dataFormat !== 'NHWC') {
    throw new Error('the benchmark fallback for Conv2DBackpropFilter covers NHWC, stride 1, valid padding only');
  }
  const taps: tf.TensorInfo[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const xs = stock('Slice', backend, { x }, { begin: [0, i, j, 0], size: [b, oh, ow, ci] });
      taps.push(stock('BatchMatMul', backend, { a: view(xs, [1, b * oh * ow, ci]), b: view(dy, [1, b * oh * ow, co]) }, { transposeA: true, transposeB: false }));
      backend.disposeData(xs.dataId);
    }
  }
  // Concat takes its inputs as an array.
  const packed = stock('Concat', backend, taps.map((t) => view(t, [1, ci, co])) as never, { axis: 0 });
  taps.forEach((t) => backend.disposeData(t.dataId));
  return view(packed, [kh, kw, ci, co]);
}

export const fallbackNotes: Record<string, string> = {
  UnsortedSegmentSum: 'stock ScatterNd (sums duplicate ids)',
  Conv2DBackpropFilter: 'stock Slice + transposed BatchMatMul per filter tap',
};

const fallbacks: Record<string, tf.KernelFunc> = {
  UnsortedSegmentSum: segmentSumByScatter as unknown as tf.KernelFunc,
  Conv2DBackpropFilter: filterGradByTaps as unknown as tf.KernelFunc,
};

/** Registers the fallbacks for kernels the stock wasm backend lacks; returns a function that removes them. */
export function registerStockFallbacks(): () => void {
  const added = Object.keys(fallbacks).filter((name) => !tf.getKernel(name, 'wasm'));
  for (const name of added) tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: fallbacks[name] });
  return () => added.forEach((name) => tf.unregisterKernel(name, 'wasm'));
}
