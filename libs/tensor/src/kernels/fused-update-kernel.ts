import * as tf from '@tensorflow/tfjs-core';
import type { WasmMemory } from './wasm-asm';
import { heapF32, heapMemory, heapOffset, type WasmKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/** The inputs of a fused optimizer update, in `names` order: each present, float32 and of the variable's (the first's) shape. */
function updateKernelInputs(kernelName: string, inputs: tf.NamedTensorInfoMap, names: string[]): tf.TensorInfo[] {
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
interface CpuBackend {
  data: { get(dataId: tf.DataId): { values: tf.TypedArray } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.TypedArray): tf.TensorInfo;
}

/** What a cpu-backend kernel function receives. */
interface CpuKernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: unknown;
}

/**
 * One fused optimizer update: its inputs are the variable, the gradient, then the optimizer's
 * state slots; its outputs are new arrays for every input but the gradient, in the same order
 * (inputs are never written: tensors may share memory).
 */
export interface FusedUpdate<A> {
  kernelName: string;
  /** The input names, in order (the attrs may leave a slot out: amsgrad's, momentum's). */
  inputNames(attrs: A): string[];
  /**
   * The SIMD pass on the wasm heap for these attrs, or null (no wasm SIMD, or a case it does not
   * cover): called with the byte offsets of the inputs, then of the outputs, and the element count.
   */
  simd(memory: WasmMemory, attrs: A): ((inputs: number[], outputs: number[], count: number) => void) | null;
  /** The same pass in JavaScript (the reference; the cpu backend's kernel): the inputs' values, then the outputs to fill. */
  pass(inputs: Float32Array[], outputs: Float32Array[], attrs: A): void;
}

/** Every input but the gradient (the second) gets a new output. */
const updated = <T>(inputs: T[]): T[] => inputs.filter((_, i) => i !== 1);

/**
 * A fused update's kernel: the wasm function as a WasmKernel (register.ts registers it with the
 * other training kernels), and the cpu function registered on the cpu backend now, at load.
 */
export function fusedUpdateKernel<A>(update: FusedUpdate<A>): WasmKernel<A> {
  const { kernelName } = update;
  const wasm = ({ inputs, backend, attrs }: WasmKernelArgs<A>): tf.TensorInfo[] => {
    const infos = updateKernelInputs(kernelName, inputs as tf.NamedTensorInfoMap, update.inputNames(attrs));
    const outs = updated(infos).map((t) => backend.makeOutput(t.shape, 'float32'));
    const memory = heapMemory(backend);
    const simd = memory ? update.simd(memory, attrs) : null;
    if (simd) {
      const offset = (t: tf.TensorInfo) => heapOffset(backend, t);
      simd(infos.map(offset), outs.map(offset), tf.util.sizeFromShape(infos[0].shape));
      return outs;
    }
    // Views taken after the last allocation: makeOutput may grow (and so move) the heap.
    const view = (t: tf.TensorInfo) => heapF32(backend, t);
    update.pass(infos.map(view), outs.map(view), attrs);
    return outs;
  };
  const cpu = ({ inputs, backend, attrs }: CpuKernelArgs): tf.TensorInfo[] => {
    const cpuBackend = backend as CpuBackend;
    const a = attrs as A;
    const infos = updateKernelInputs(kernelName, inputs, update.inputNames(a));
    const values = infos.map((t) => cpuBackend.data.get(t.dataId).values as Float32Array);
    const outs = updated(values).map((v) => new Float32Array(v.length));
    update.pass(values, outs, a);
    return outs.map((v) => cpuBackend.makeTensorInfo(infos[0].shape, 'float32', v));
  };
  if (!tf.getKernel(kernelName, 'cpu')) tf.registerKernel({ kernelName, backendName: 'cpu', kernelFunc: cpu as unknown as tf.KernelFunc });
  return { kernelName, kernelFunc: wasm as unknown as WasmKernel<A>['kernelFunc'] };
}
