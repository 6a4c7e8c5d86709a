import * as tf from '@tensorflow/tfjs-core';
import { adamSimdOn } from './adam-simd';
import { flushSubnormal } from './subnormal';
import { cpuF32, fusedUpdateKernel, updateKernelInputs, type CpuBackend, type CpuKernelArgs } from './update-kernel-inputs';
import { heapF32, heapMemory, heapOffset, type WasmKernelArgs } from './wasm-kernel-utils';

/** Name of the fused Adam update kernel (ours; registered on wasm and cpu). */
export const WEFT_ADAM_UPDATE = 'WeftAdamUpdate';

export interface AdamUpdateAttrs {
  /** lr * sqrt(1 - beta2^t) / (1 - beta1^t) */
  alpha: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  amsgrad: boolean;
}

type Arrays = { w: Float32Array; g: Float32Array; m: Float32Array; v: Float32Array; vHat: Float32Array | null };

/**
 * Keras 3's Adam step for one variable in one pass, written to new arrays (inputs are never written:
 * tensors may share memory). Every intermediate is rounded to float32 exactly where the per-op
 * update (sub, mul, add, square, sqrt, div) rounds, so both give the same bits, but for moments
 * that turn subnormal, which are flushed to zero (subnormal.ts):
 *   m' = m + (g - m)(1 - b1);  v' = v + (g^2 - v)(1 - b2);  vHat' = max(vHat, v')
 *   w' = w - m' alpha / (sqrt(v' or vHat') + epsilon)
 */
function adamPass(inp: Arrays, out: Arrays, attrs: AdamUpdateAttrs): void {
  const f = Math.fround;
  const alpha = f(attrs.alpha);
  const oneMinusB1 = f(1 - attrs.beta1);
  const oneMinusB2 = f(1 - attrs.beta2);
  const eps = f(attrs.epsilon);
  const { w, g, m, v, vHat } = inp;
  const { w: wOut, m: mOut, v: vOut, vHat: vHatOut } = out;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const mi = flushSubnormal(f(m[i] + f(f(gi - m[i]) * oneMinusB1)));
    const vi = flushSubnormal(f(v[i] + f(f(f(gi * gi) - v[i]) * oneMinusB2)));
    mOut[i] = mi;
    vOut[i] = vi;
    let second = vi;
    if (vHat) {
      second = Math.max(vHat[i], vi);
      vHatOut![i] = second;
    }
    wOut[i] = f(w[i] - f(f(mi * alpha) / f(f(Math.sqrt(second)) + eps)));
  }
}

function checkInputs(inputs: tf.NamedTensorInfoMap, attrs: AdamUpdateAttrs): tf.TensorInfo[] {
  return updateKernelInputs(WEFT_ADAM_UPDATE, inputs, ['variable', 'gradient', 'momentum', 'velocity', ...(attrs.amsgrad ? ['velocityHat'] : [])]);
}

function asArrays(list: Float32Array[]): Arrays {
  return { w: list[0], g: list[1], m: list[2], v: list[3], vHat: list[4] ?? null };
}

function adamUpdateWasm({ inputs, backend, attrs }: WasmKernelArgs<AdamUpdateAttrs>): tf.TensorInfo[] {
  const infos = checkInputs(inputs as tf.NamedTensorInfoMap, attrs);
  const outs = infos.filter((_, i) => i !== 1).map((t) => backend.makeOutput(t.shape, 'float32'));
  const memory = heapMemory(backend);
  const simd = memory && !attrs.amsgrad ? adamSimdOn(memory) : null;
  if (simd) {
    const offset = (t: tf.TensorInfo) => heapOffset(backend, t);
    const [w, g, m, v] = infos.map(offset);
    const [wOut, mOut, vOut] = outs.map(offset);
    const f = Math.fround;
    simd(w, g, m, v, wOut, mOut, vOut, tf.util.sizeFromShape(infos[0].shape), attrs.alpha, f(1 - attrs.beta1), f(1 - attrs.beta2), attrs.epsilon);
    return outs;
  }
  // Views taken after the last allocation: makeOutput may grow (and so move) the heap.
  const view = (t: tf.TensorInfo) => heapF32(backend, t);
  const inp = asArrays(infos.map(view));
  const [w, m, v, vHat] = outs.map(view);
  adamPass(inp, { w, g: inp.g, m, v, vHat: vHat ?? null }, attrs);
  return outs;
}

function adamUpdateCpu({ inputs, backend, attrs }: CpuKernelArgs): tf.TensorInfo[] {
  const cpu = backend as CpuBackend;
  const a = attrs as unknown as AdamUpdateAttrs;
  const infos = checkInputs(inputs, a);
  const inp = asArrays(infos.map((t) => cpuF32(cpu, t)));
  const size = inp.w.length;
  const out = { w: new Float32Array(size), g: inp.g, m: new Float32Array(size), v: new Float32Array(size), vHat: a.amsgrad ? new Float32Array(size) : null };
  adamPass(inp, out, a);
  const shape = infos[0].shape;
  return [out.w, out.m, out.v, ...(out.vHat ? [out.vHat] : [])].map((values) => cpu.makeTensorInfo(shape, 'float32', values));
}

export const adamUpdateKernel = fusedUpdateKernel(WEFT_ADAM_UPDATE, adamUpdateWasm, adamUpdateCpu);

export interface AdamUpdateInputs {
  variable: tf.Tensor;
  gradient: tf.Tensor;
  momentum: tf.Tensor;
  velocity: tf.Tensor;
  /** Only with amsgrad. */
  velocityHat?: tf.Tensor;
}

export interface AdamUpdateResult {
  variable: tf.Tensor;
  momentum: tf.Tensor;
  velocity: tf.Tensor;
  velocityHat: tf.Tensor | null;
}

/**
 * One fused Adam step as new tensors (the caller assigns them), or null when the active backend has
 * no fused kernel (the caller then updates with separate ops).
 */
export function adamUpdate(inputs: AdamUpdateInputs, attrs: AdamUpdateAttrs): AdamUpdateResult | null {
  if (!tf.getKernel(WEFT_ADAM_UPDATE, tf.getBackend())) return null;
  if (attrs.amsgrad !== !!inputs.velocityHat) {
    throw new Error(`adamUpdate: velocityHat must be given exactly when amsgrad is true. Received: amsgrad=${attrs.amsgrad}`);
  }
  const { velocityHat, ...rest } = inputs;
  const named: tf.NamedTensorMap = velocityHat ? { ...rest, velocityHat } : { ...rest };
  const out = tf.engine().runKernel(WEFT_ADAM_UPDATE, named, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { variable: out[0], momentum: out[1], velocity: out[2], velocityHat: out[3] ?? null };
}
