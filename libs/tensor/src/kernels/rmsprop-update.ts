import * as tf from '@tensorflow/tfjs-core';
import { rmspropSimdOn } from './rmsprop-simd';
import { flushSubnormal } from './subnormal';
import { cpuF32, fusedUpdateKernel, updateKernelInputs, type CpuBackend, type CpuKernelArgs } from './update-kernel-inputs';
import { heapF32, heapMemory, heapOffset, type WasmKernelArgs } from './wasm-kernel-utils';

/** Name of the fused RMSprop update kernel (ours; registered on wasm and cpu). */
export const WEFT_RMSPROP_UPDATE = 'WeftRMSpropUpdate';

export interface RMSpropUpdateAttrs {
  learningRate: number;
  rho: number;
  epsilon: number;
  /** 0: no momentum slot (the kernel then takes and returns none). */
  momentum: number;
}

type Arrays = { w: Float32Array; g: Float32Array; velocity: Float32Array; momentum: Float32Array | null };

/**
 * Keras 3's RMSprop step (not centered) for one variable in one pass, written to new arrays
 * (inputs are never written: tensors may share memory). Every intermediate is rounded to float32
 * where the per-op update (mul, square, add, sqrt, div, sub) rounds, so both give the same bits,
 * but for state that turns subnormal, which is flushed to zero (subnormal.ts):
 *   v' = v rho + g^2 (1 - rho);  step = g lr / sqrt(v' + epsilon)
 *   momentum: m' = m momentum + step, w' = w - m';  else w' = w - step
 */
function rmspropPass(inp: Arrays, out: Arrays, attrs: RMSpropUpdateAttrs): void {
  const f = Math.fround;
  const lr = f(attrs.learningRate);
  const rho = f(attrs.rho);
  const oneMinusRho = f(1 - attrs.rho);
  const eps = f(attrs.epsilon);
  const mom = f(attrs.momentum);
  const { w, g, velocity, momentum } = inp;
  const { w: wOut, velocity: vOut, momentum: mOut } = out;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const vi = flushSubnormal(f(f(velocity[i] * rho) + f(f(gi * gi) * oneMinusRho)));
    vOut[i] = vi;
    const step = f(f(gi * lr) / f(Math.sqrt(f(vi + eps))));
    if (momentum) {
      const mi = flushSubnormal(f(f(momentum[i] * mom) + step));
      mOut![i] = mi;
      wOut[i] = f(w[i] - mi);
    } else wOut[i] = f(w[i] - step);
  }
}

function checkInputs(inputs: tf.NamedTensorInfoMap, attrs: RMSpropUpdateAttrs): tf.TensorInfo[] {
  return updateKernelInputs(WEFT_RMSPROP_UPDATE, inputs, ['variable', 'gradient', 'velocity', ...(attrs.momentum > 0 ? ['momentum'] : [])]);
}

const asArrays = (list: Float32Array[]): Arrays => ({ w: list[0], g: list[1], velocity: list[2], momentum: list[3] ?? null });

function rmspropUpdateWasm({ inputs, backend, attrs }: WasmKernelArgs<RMSpropUpdateAttrs>): tf.TensorInfo[] {
  const infos = checkInputs(inputs as tf.NamedTensorInfoMap, attrs);
  const outs = infos.filter((_, i) => i !== 1).map((t) => backend.makeOutput(t.shape, 'float32'));
  const memory = heapMemory(backend);
  const simd = memory ? rmspropSimdOn(memory) : null;
  if (simd) {
    const offset = (t: tf.TensorInfo) => heapOffset(backend, t);
    const [w, g, v, m = 0] = infos.map(offset);
    const [wOut, vOut, mOut = 0] = outs.map(offset);
    const pass = attrs.momentum > 0 ? simd.rmspropMomentum : simd.rmsprop;
    pass(w, g, v, m, wOut, vOut, mOut, tf.util.sizeFromShape(infos[0].shape), attrs.learningRate, attrs.rho, Math.fround(1 - attrs.rho), attrs.epsilon, attrs.momentum);
    return outs;
  }
  // Views taken after the last allocation: makeOutput may grow (and so move) the heap.
  const view = (t: tf.TensorInfo) => heapF32(backend, t);
  const inp = asArrays(infos.map(view));
  const [w, velocity, momentum] = outs.map(view);
  rmspropPass(inp, { w, g: inp.g, velocity, momentum: momentum ?? null }, attrs);
  return outs;
}

function rmspropUpdateCpu({ inputs, backend, attrs }: CpuKernelArgs): tf.TensorInfo[] {
  const cpu = backend as CpuBackend;
  const a = attrs as unknown as RMSpropUpdateAttrs;
  const infos = checkInputs(inputs, a);
  const inp = asArrays(infos.map((t) => cpuF32(cpu, t)));
  const size = inp.w.length;
  const out = { w: new Float32Array(size), g: inp.g, velocity: new Float32Array(size), momentum: inp.momentum ? new Float32Array(size) : null };
  rmspropPass(inp, out, a);
  const shape = infos[0].shape;
  return [out.w, out.velocity, ...(out.momentum ? [out.momentum] : [])].map((values) => cpu.makeTensorInfo(shape, 'float32', values));
}

export const rmspropUpdateKernel = fusedUpdateKernel(WEFT_RMSPROP_UPDATE, rmspropUpdateWasm, rmspropUpdateCpu);

export interface RMSpropUpdateInputs {
  variable: tf.Tensor;
  gradient: tf.Tensor;
  velocity: tf.Tensor;
  /** Only with momentum > 0. */
  momentum?: tf.Tensor;
}

export interface RMSpropUpdateResult {
  variable: tf.Tensor;
  velocity: tf.Tensor;
  momentum: tf.Tensor | null;
}

/**
 * One fused RMSprop step (not centered) as new tensors (the caller assigns them), or null when the
 * active backend has no fused kernel (the caller then updates with separate ops).
 */
export function rmspropUpdate(inputs: RMSpropUpdateInputs, attrs: RMSpropUpdateAttrs): RMSpropUpdateResult | null {
  if (!tf.getKernel(WEFT_RMSPROP_UPDATE, tf.getBackend())) return null;
  if ((attrs.momentum > 0) !== !!inputs.momentum) {
    throw new Error(`rmspropUpdate: the momentum slot must be given exactly when momentum > 0. Received: momentum=${attrs.momentum}`);
  }
  const { momentum, ...rest } = inputs;
  const named: tf.NamedTensorMap = momentum ? { ...rest, momentum } : { ...rest };
  const out = tf.engine().runKernel(WEFT_RMSPROP_UPDATE, named, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { variable: out[0], velocity: out[1], momentum: out[2] ?? null };
}
