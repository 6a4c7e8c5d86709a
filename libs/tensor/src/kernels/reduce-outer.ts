import * as tf from '@tensorflow/tfjs-core';
import { reduceSimdOn } from './reduce-simd';
import type { WasmMemory } from './wasm-asm';
import { runStockKernel, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/** Sum's attributes name the axes `axis`, Max's `reductionIndices`. */
type ReduceAttrs = { axis?: number | number[]; reductionIndices?: number | number[]; keepDims: boolean };

/**
 * Sum and Max over axes that are not the innermost ones (a bias gradient: sum over [batch, steps];
 * global max pooling: max over steps). The stock wasm kernels transpose the reduced axes inward
 * first, which cost 5-10 ms per IMDB CNN step each; here x is seen as [outer, reduce, inner] and
 * reduced row by row (wasm SIMD, reduce-simd.ts) in the stock kernels' order (sequential float32
 * sums; max skips NaN after the first element), so the results have the same bits (about 10x faster).
 * Other reductions go to the stock kernels.
 */
function reduceKernel(kernelName: typeof tf.Sum | typeof tf.Max) {
  return ({ inputs, backend, attrs }: WasmKernelArgs<ReduceAttrs>): tf.TensorInfo => {
    const { x } = inputs;
    const axes = tf.util.parseAxisParam((kernelName === tf.Max ? attrs.reductionIndices : attrs.axis)!, x.shape).sort((p, q) => p - q);
    const first = axes[0];
    const last = axes[axes.length - 1];
    const inner = tf.util.sizeFromShape(x.shape.slice(last + 1));
    const contiguous = axes.every((a, i) => a === first + i);
    if (x.dtype !== 'float32' || axes.length === 0 || !contiguous || inner === 1) return runStockKernel(kernelName, backend, inputs, attrs);
    const outer = tf.util.sizeFromShape(x.shape.slice(0, first));
    const reduce = tf.util.sizeFromShape(x.shape.slice(first, last + 1));
    const outShape = attrs.keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    if (reduce === 0 || outer * inner === 0) return runStockKernel(kernelName, backend, inputs, attrs);
    const memory = (backend.wasm as unknown as { asm?: { memory?: WasmMemory } }).asm?.memory;
    const simd = memory ? reduceSimdOn(memory) : null;
    if (!simd) return runStockKernel(kernelName, backend, inputs, attrs);
    const out = backend.makeOutput(outShape, 'float32');
    const offset = (t: tf.TensorInfo) => (backend.dataIdMap.get(t.dataId) as unknown as { memoryOffset: number }).memoryOffset;
    (kernelName === tf.Sum ? simd.sumRows : simd.maxRows)(offset(x), offset(out), outer, reduce, inner);
    return out;
  };
}

export const sumKernel: WasmKernel<ReduceAttrs> = { kernelName: tf.Sum, kernelFunc: reduceKernel(tf.Sum) };
export const maxKernel: WasmKernel<ReduceAttrs> = { kernelName: tf.Max, kernelFunc: reduceKernel(tf.Max) };
