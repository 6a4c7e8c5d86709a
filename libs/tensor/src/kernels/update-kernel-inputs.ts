import * as tf from '@tensorflow/tfjs-core';
import type { WasmKernel, WasmKernelArgs } from './wasm-kernel-utils';

/** The inputs of a fused optimizer update, in `names` order: each present, float32 and of the variable's (the first's) shape. */
export function updateKernelInputs(kernelName: string, inputs: tf.NamedTensorInfoMap, names: string[]): tf.TensorInfo[] {
  const infos = names.map((n) => {
    const t = inputs[n];
    if (!t) throw new Error(`${kernelName}: missing input '${n}'.`);
    if (t.dtype !== 'float32') throw new Error(`${kernelName}: '${n}' must be float32. Received: dtype=${t.dtype}`);
    return t;
  });
  for (const t of infos) {
    if (!tf.util.arraysEqual(t.shape, infos[0].shape)) {
      throw new Error(`${kernelName}: every input must have the variable's shape [${infos[0].shape}]. Received: [${t.shape}]`);
    }
  }
  return infos;
}

/** What a cpu-backend kernel here uses of the cpu backend: its arrays, and new tensors from arrays. */
export interface CpuBackend {
  data: { get(dataId: tf.DataId): { values: tf.TypedArray } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.TypedArray): tf.TensorInfo;
}

/** A float32 input's values on the cpu backend. */
export const cpuF32 = (cpu: CpuBackend, info: tf.TensorInfo): Float32Array => cpu.data.get(info.dataId).values as Float32Array;

/** What a cpu-backend kernel function receives. */
export interface CpuKernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: unknown;
}

/**
 * A fused update's kernel: the wasm function as a WasmKernel (register.ts registers it with the
 * other training kernels), and the cpu function registered on the cpu backend now, at load.
 */
export function fusedUpdateKernel<A>(
  kernelName: string,
  wasm: (args: WasmKernelArgs<A>) => tf.TensorInfo[],
  cpu: (args: CpuKernelArgs) => tf.TensorInfo[],
): WasmKernel<A> {
  if (!tf.getKernel(kernelName, 'cpu')) tf.registerKernel({ kernelName, backendName: 'cpu', kernelFunc: cpu as unknown as tf.KernelFunc });
  return { kernelName, kernelFunc: wasm as unknown as WasmKernel<A>['kernelFunc'] };
}
