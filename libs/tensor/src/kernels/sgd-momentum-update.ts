import * as tf from '@tensorflow/tfjs-core';
import { sgdMomentumSimdOn } from './sgd-momentum-simd';
import { flushSubnormal } from './subnormal';
import { cpuF32, fusedUpdateKernel, updateKernelInputs, type CpuBackend, type CpuKernelArgs } from './update-kernel-inputs';
import { heapF32, heapMemory, heapOffset, type WasmKernelArgs } from './wasm-kernel-utils';

/** Name of the fused SGD-with-momentum update kernel (ours; registered on wasm and cpu). */
export const WEFT_SGD_MOMENTUM_UPDATE = 'WeftSGDMomentumUpdate';

export interface SgdMomentumUpdateAttrs {
  learningRate: number;
  /** > 0: without momentum SGD is one subtraction, with nothing to fuse. */
  momentum: number;
  nesterov: boolean;
}

type Arrays = { w: Float32Array; g: Float32Array; m: Float32Array };

/**
 * Keras 3's SGD step with momentum for one variable in one pass, written to new arrays (inputs are
 * never written: tensors may share memory). Every intermediate is rounded to float32 where the
 * per-op update (mul, sub, add) rounds, so both give the same bits, but for a moment that turns
 * subnormal, which is flushed to zero (subnormal.ts):
 *   m' = m momentum - g lr;  w' = w + m'  (Nesterov: w' = w + (m' momentum - g lr))
 */
function sgdMomentumPass(inp: Arrays, out: Arrays, attrs: SgdMomentumUpdateAttrs): void {
  const f = Math.fround;
  const lr = f(attrs.learningRate);
  const momentum = f(attrs.momentum);
  const { w, g, m } = inp;
  for (let i = 0; i < w.length; i++) {
    const gl = f(g[i] * lr);
    const mi = flushSubnormal(f(f(m[i] * momentum) - gl));
    out.m[i] = mi;
    out.w[i] = f(w[i] + (attrs.nesterov ? f(f(mi * momentum) - gl) : mi));
  }
}

function checkInputs(inputs: tf.NamedTensorInfoMap): tf.TensorInfo[] {
  return updateKernelInputs(WEFT_SGD_MOMENTUM_UPDATE, inputs, ['variable', 'gradient', 'momentum']);
}

function sgdMomentumUpdateWasm({ inputs, backend, attrs }: WasmKernelArgs<SgdMomentumUpdateAttrs>): tf.TensorInfo[] {
  const infos = checkInputs(inputs as tf.NamedTensorInfoMap);
  const outs = [infos[0], infos[2]].map((t) => backend.makeOutput(t.shape, 'float32'));
  const memory = heapMemory(backend);
  const simd = memory ? sgdMomentumSimdOn(memory) : null;
  if (simd) {
    const offset = (t: tf.TensorInfo) => heapOffset(backend, t);
    const [w, g, m] = infos.map(offset);
    const [wOut, mOut] = outs.map(offset);
    const pass = attrs.nesterov ? simd.sgdNesterov : simd.sgdMomentum;
    pass(w, g, m, wOut, mOut, tf.util.sizeFromShape(infos[0].shape), attrs.learningRate, attrs.momentum);
    return outs;
  }
  // Views taken after the last allocation: makeOutput may grow (and so move) the heap.
  const view = (t: tf.TensorInfo) => heapF32(backend, t);
  const [w, g, m] = infos.map(view);
  const [wOut, mOut] = outs.map(view);
  sgdMomentumPass({ w, g, m }, { w: wOut, g, m: mOut }, attrs);
  return outs;
}

function sgdMomentumUpdateCpu({ inputs, backend, attrs }: CpuKernelArgs): tf.TensorInfo[] {
  const cpu = backend as CpuBackend;
  const infos = checkInputs(inputs);
  const [w, g, m] = infos.map((t) => cpuF32(cpu, t));
  const out = { w: new Float32Array(w.length), g, m: new Float32Array(w.length) };
  sgdMomentumPass({ w, g, m }, out, attrs as unknown as SgdMomentumUpdateAttrs);
  return [out.w, out.m].map((values) => cpu.makeTensorInfo(infos[0].shape, 'float32', values));
}

export const sgdMomentumUpdateKernel = fusedUpdateKernel(WEFT_SGD_MOMENTUM_UPDATE, sgdMomentumUpdateWasm, sgdMomentumUpdateCpu);

export interface SgdMomentumUpdateInputs {
  variable: tf.Tensor;
  gradient: tf.Tensor;
  momentum: tf.Tensor;
}

/**
 * One fused SGD-with-momentum step as new tensors (the caller assigns them), or null when the
 * active backend has no fused kernel (the caller then updates with separate ops).
 */
export function sgdMomentumUpdate(inputs: SgdMomentumUpdateInputs, attrs: SgdMomentumUpdateAttrs): { variable: tf.Tensor; momentum: tf.Tensor } | null {
  if (!tf.getKernel(WEFT_SGD_MOMENTUM_UPDATE, tf.getBackend())) return null;
  if (!(attrs.momentum > 0)) throw new Error(`sgdMomentumUpdate: momentum must be > 0 (without it SGD is one subtraction). Received: momentum=${attrs.momentum}`);
  const out = tf.engine().runKernel(WEFT_SGD_MOMENTUM_UPDATE, { ...inputs }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { variable: out[0], momentum: out[1] };
}
