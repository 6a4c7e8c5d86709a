import * as tf from '@tensorflow/tfjs-core';
import { runStockKernel, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

type ReduceAttrs = { axis: number | number[]; keepDims: boolean };

/**
 * Sum and Max over axes that are not the innermost ones (a bias gradient: sum over [batch, steps];
 * global max pooling: max over steps). The stock wasm kernels transpose the reduced axes inward
 * first, which cost 8-10 ms per IMDB CNN step each; here x is seen as [outer, reduce, inner] and
 * reduced in place, row by row, in the stock kernels' order (sequential float32 sums; max keeps the
 * first of equal values and skips NaN after the first element), so the results have the same bits.
 * Other reductions go to the stock kernels.
 */
function reduceKernel(kernelName: typeof tf.Sum | typeof tf.Max, combine: (acc: Float32Array, x: Float32Array, at: number, from: number, n: number) => void) {
  return ({ inputs, backend, attrs }: WasmKernelArgs<ReduceAttrs>): tf.TensorInfo => {
    const { x } = inputs;
    const axes = tf.util.parseAxisParam(attrs.axis, x.shape).sort((p, q) => p - q);
    const first = axes[0];
    const last = axes[axes.length - 1];
    const inner = tf.util.sizeFromShape(x.shape.slice(last + 1));
    const contiguous = axes.every((a, i) => a === first + i);
    if (x.dtype !== 'float32' || axes.length === 0 || !contiguous || inner === 1) return runStockKernel(kernelName, backend, inputs, attrs);
    const outer = tf.util.sizeFromShape(x.shape.slice(0, first));
    const reduce = tf.util.sizeFromShape(x.shape.slice(first, last + 1));
    const outShape = attrs.keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    if (reduce === 0 || outer * inner === 0) return runStockKernel(kernelName, backend, inputs, attrs);
    const out = backend.makeOutput(outShape, 'float32');
    // Views after the allocation: it may grow (and so move) the heap.
    const acc = backend.typedArrayFromHeap(out) as Float32Array;
    const xs = backend.typedArrayFromHeap(x) as Float32Array;
    for (let o = 0; o < outer; o++) {
      const row = o * reduce * inner;
      acc.set(xs.subarray(row, row + inner), o * inner);
      for (let r = 1; r < reduce; r++) combine(acc, xs, o * inner, row + r * inner, inner);
    }
    return out;
  };
}

function addRow(acc: Float32Array, x: Float32Array, at: number, from: number, n: number): void {
  for (let i = 0; i < n; i++) acc[at + i] += x[from + i];
}

function maxRow(acc: Float32Array, x: Float32Array, at: number, from: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[from + i];
    if (v > acc[at + i]) acc[at + i] = v;
  }
}

export const sumKernel: WasmKernel<ReduceAttrs> = { kernelName: tf.Sum, kernelFunc: reduceKernel(tf.Sum, addRow) };
export const maxKernel: WasmKernel<ReduceAttrs> = { kernelName: tf.Max, kernelFunc: reduceKernel(tf.Max, maxRow) };
