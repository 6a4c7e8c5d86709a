import * as tf from '@tensorflow/tfjs-core';
import { adagradSimdOn } from './adagrad-simd';
import { cpuF32, fusedUpdateKernel, updateKernelInputs, type CpuBackend, type CpuKernelArgs } from './update-kernel-inputs';
import { heapF32, heapMemory, heapOffset, type WasmKernelArgs } from './wasm-kernel-utils';

/** Name of the fused Adagrad update kernel (ours; registered on wasm and cpu). */
export const WEFT_ADAGRAD_UPDATE = 'WeftAdagradUpdate';

export interface AdagradUpdateAttrs {
  learningRate: number;
  epsilon: number;
}

type Arrays = { w: Float32Array; g: Float32Array; acc: Float32Array };

/**
 * Keras 3's Adagrad step for one variable in one pass, written to new arrays (inputs are never
 * written: tensors may share memory). Every intermediate is rounded to float32 where the per-op
 * update (square, add, mul, sqrt, div, sub) rounds, so both give the same bits:
 *   acc' = acc + g^2;  w' = w - g lr / sqrt(acc' + epsilon)
 */
function adagradPass(inp: Arrays, out: Arrays, attrs: AdagradUpdateAttrs): void {
  const f = Math.fround;
  const lr = f(attrs.learningRate);
  const eps = f(attrs.epsilon);
  const { w, g, acc } = inp;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const a = f(acc[i] + f(gi * gi));
    out.acc[i] = a;
    out.w[i] = f(w[i] - f(f(gi * lr) / f(Math.sqrt(f(a + eps)))));
  }
}

const NAMES = ['variable', 'gradient', 'accumulator'];

function adagradUpdateWasm({ inputs, backend, attrs }: WasmKernelArgs<AdagradUpdateAttrs>): tf.TensorInfo[] {
  const infos = updateKernelInputs(WEFT_ADAGRAD_UPDATE, inputs as tf.NamedTensorInfoMap, NAMES);
  const outs = [infos[0], infos[2]].map((t) => backend.makeOutput(t.shape, 'float32'));
  const memory = heapMemory(backend);
  const simd = memory ? adagradSimdOn(memory) : null;
  if (simd) {
    const offset = (t: tf.TensorInfo) => heapOffset(backend, t);
    const [w, g, acc] = infos.map(offset);
    const [wOut, accOut] = outs.map(offset);
    simd(w, g, acc, wOut, accOut, tf.util.sizeFromShape(infos[0].shape), attrs.learningRate, attrs.epsilon);
    return outs;
  }
  // Views taken after the last allocation: makeOutput may grow (and so move) the heap.
  const view = (t: tf.TensorInfo) => heapF32(backend, t);
  const [w, g, acc] = infos.map(view);
  const [wOut, accOut] = outs.map(view);
  adagradPass({ w, g, acc }, { w: wOut, g, acc: accOut }, attrs);
  return outs;
}

function adagradUpdateCpu({ inputs, backend, attrs }: CpuKernelArgs): tf.TensorInfo[] {
  const cpu = backend as CpuBackend;
  const infos = updateKernelInputs(WEFT_ADAGRAD_UPDATE, inputs, NAMES);
  const [w, g, acc] = infos.map((t) => cpuF32(cpu, t));
  const out = { w: new Float32Array(w.length), g, acc: new Float32Array(w.length) };
  adagradPass({ w, g, acc }, out, attrs as unknown as AdagradUpdateAttrs);
  return [out.w, out.acc].map((values) => cpu.makeTensorInfo(infos[0].shape, 'float32', values));
}

export const adagradUpdateKernel = fusedUpdateKernel(WEFT_ADAGRAD_UPDATE, adagradUpdateWasm, adagradUpdateCpu);

export interface AdagradUpdateInputs {
  variable: tf.Tensor;
  gradient: tf.Tensor;
  accumulator: tf.Tensor;
}

/**
 * One fused Adagrad step as new tensors (the caller assigns them), or null when the active backend
 * has no fused kernel (the caller then updates with separate ops).
 */
export function adagradUpdate(inputs: AdagradUpdateInputs, attrs: AdagradUpdateAttrs): { variable: tf.Tensor; accumulator: tf.Tensor } | null {
  if (!tf.getKernel(WEFT_ADAGRAD_UPDATE, tf.getBackend())) return null;
  const out = tf.engine().runKernel(WEFT_ADAGRAD_UPDATE, { ...inputs }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { variable: out[0], accumulator: out[1] };
}
