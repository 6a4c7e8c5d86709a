import * as tf from '@tensorflow/tfjs-core';
import { sgdMomentumSimdOn } from './sgd-momentum-simd';
import { flushSubnormal } from './subnormal';
import { fusedUpdateKernel } from './fused-update-kernel';

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

export const sgdMomentumUpdateKernel = fusedUpdateKernel<SgdMomentumUpdateAttrs>({
  kernelName: WEFT_SGD_MOMENTUM_UPDATE,
  inputNames: () => ['variable', 'gradient', 'momentum'],
  simd: (memory, attrs) => {
    const simd = sgdMomentumSimdOn(memory);
    const pass = simd && (attrs.nesterov ? simd.sgdNesterov : simd.sgdMomentum);
    return pass && (([w, g, m], [wOut, mOut], n) => pass(w, g, m, wOut, mOut, n, attrs.learningRate, attrs.momentum));
  },
  pass: ([w, g, m], [wOut, mOut], attrs) => sgdMomentumPass({ w, g, m }, { w: wOut, g, m: mOut }, attrs),
});

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
