import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { gemmOn, type Gemm } from './gemm-simd';
import { transposeLastTwoSimd } from './transpose-simd';
import type { WasmMemory } from './wasm-asm';

/** The arguments tfjs passes to a kernel function, typed for the wasm backend. */
export interface WasmKernelArgs<A = Record<string, unknown>> {
  inputs: Record<string, tf.TensorInfo>;
  backend: BackendWasm;
  attrs: A;
}

/** A wasm kernel of our own, registered with registerWasmTrainingKernels. */
export interface WasmKernel<A = Record<string, unknown>> {
  kernelName: string;
  kernelFunc: (args: WasmKernelArgs<A>) => tf.TensorInfo;
}

type StockKernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: unknown }) => tf.TensorInfo;

const stockKernels = new Map<string, tf.KernelConfig>();

/**
 * The wasm backend's own kernel config for a name, as it was before we registered ours;
 * register.ts records it before overriding, so the stock version stays callable.
 */
export function stockKernelConfig(kernelName: string): tf.KernelConfig | undefined {
  if (!stockKernels.has(kernelName)) {
    const config = tf.getKernel(kernelName, 'wasm');
    if (config) stockKernels.set(kernelName, { ...config });
  }
  return stockKernels.get(kernelName);
}

/** Runs the wasm backend's stock kernel function for a name (Transpose, BatchMatMul, ...). */
export function runStockKernel(
  kernelName: string,
  backend: BackendWasm,
  inputs: Record<string, tf.TensorInfo>,
  attrs: object = {},
): tf.TensorInfo {
  const config = stockKernelConfig(kernelName);
  if (!config) throw new Error(`The wasm backend has no stock kernel '${kernelName}' to build on.`);
  return (config.kernelFunc as unknown as StockKernelFunc)({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs });
}

/** The same data seen with another shape of equal size (no copy, no new tensor). */
export function withShape(info: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: info.dataId, dtype: info.dtype, shape };
}

/** Plain [m,k] x [k,n] float32 matmul on the wasm heap through the stock BatchMatMul (no transposes). */
export function matMul2D(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo, m: number, k: number, n: number): tf.TensorInfo {
  const out = runStockKernel(
    'BatchMatMul',
    backend,
    { a: withShape(a, [1, m, k]), b: withShape(b, [1, k, n]) },
    { transposeA: false, transposeB: false },
  );
  return withShape(out, [m, n]);
}

/** Swaps the last two axes: the SIMD block transpose where it applies, else the stock Transpose kernel. */
export function transposeLastTwo(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  const simd = transposeLastTwoSimd(backend, x);
  if (simd) return simd;
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return runStockKernel('Transpose', backend, { x }, { perm });
}

/** Float32 view of a tensor's bytes on the wasm heap; take it after the last allocation (the heap may grow). */
export function heapF32(backend: BackendWasm, info: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/**
 * The shape-specialised SIMD matmul (gemm-simd.ts) for [m, k] x [k, n] on this backend's memory
 * (A stored as [k, m] when transposeA), or null (no wasm SIMD, k = 0). `m` is needed only to stride a transposed A.
 */
export function gemmFor(backend: BackendWasm, k: number, n: number, bias: boolean, transposeA = false, m = 0): Gemm | null {
  const memory = heapMemory(backend);
  return memory ? gemmOn(memory, { k, n, lda: transposeA ? m : k, ldb: n, ldc: n, bias, transposeA }) : null;
}

/** The wasm backend's memory, which weft's hand-assembled SIMD modules import (undefined where the build hides it). */
export function heapMemory(backend: BackendWasm): WasmMemory | undefined {
  return (backend.wasm as unknown as { asm?: { memory?: WasmMemory } }).asm?.memory;
}

/** A tensor's byte offset on the wasm heap. */
export const heapOffset = (backend: BackendWasm, info: tf.TensorInfo): number =>
  (backend.dataIdMap.get(info.dataId) as unknown as { memoryOffset: number }).memoryOffset;

/** A [m, k] x [k, n] float32 matmul run many times with the same shapes, into a caller-owned output. */
export interface StepMatMul {
  run(a: tf.TensorInfo, b: tf.TensorInfo, out: tf.TensorInfo): void;
  dispose(): void;
}

type BatchMatMulEntry = (aId: number, aShape: number, aRank: number, bId: number, bShape: number, bRank: number,
  transposeA: number, transposeB: number, outId: number) => void;

interface WasmModuleEntries {
  _BatchMatMul?: BatchMatMulEntry;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAP32: Int32Array;
}

/**
 * The matmul of a step loop, making no tensors, reshapes or stack copies per call (the stock kernel
 * function does all three, about 10 microseconds a call): gemm-simd.ts where it applies, else the
 * wasm module's BatchMatMul entry called directly with both shapes kept on the heap (same XNNPACK
 * operator as the stock kernel). Both sum in the same order, so the same bits. Falls back to the
 * stock kernel and a copy where the module has no such entry.
 */
export function stepMatMul(backend: BackendWasm, m: number, k: number, n: number): StepMatMul {
  const gemm = gemmFor(backend, k, n, false);
  if (gemm) {
    // The right operand (the recurrent kernel) is the same every step: packed once.
    const panel = gemm.panelBytes > 0 ? backend.makeOutput([gemm.panelBytes / 4], 'float32') : null;
    const panelAt = () => (panel ? heapOffset(backend, panel) : 0);
    let packedFrom: tf.DataId | null = null;
    return {
      run(a, b, out) {
        if (b.dataId !== packedFrom) {
          gemm.pack(heapOffset(backend, b), panelAt());
          packedFrom = b.dataId;
        }
        gemm.run(heapOffset(backend, a), heapOffset(backend, b), heapOffset(backend, out), 0, m, panelAt());
      },
      dispose: () => {
        if (panel) backend.disposeData(panel.dataId);
      },
    };
  }
  const wasm = backend.wasm as unknown as WasmModuleEntries;
  const entry = wasm._BatchMatMul;
  const id = (info: tf.TensorInfo) => (backend.dataIdMap.get(info.dataId) as unknown as { id: number }).id;
  if (typeof entry !== 'function') {
    return {
      run(a, b, out) {
        const product = matMul2D(backend, a, b, m, k, n);
        heapF32(backend, out).set(heapF32(backend, product));
        backend.disposeData(product.dataId);
      },
      dispose() {},
    };
  }
  const shapes = wasm._malloc(24);
  wasm.HEAP32.set([1, m, k, 1, k, n], shapes >> 2);
  return {
    run: (a, b, out) => entry(id(a), shapes, 3, id(b), shapes + 12, 3, 0, 0, id(out)),
    dispose: () => wasm._free(shapes),
  };
}
