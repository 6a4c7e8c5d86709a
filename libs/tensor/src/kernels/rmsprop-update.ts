import * as tf from '@tensorflow/tfjs-core';
import { rmspropSimdOn } from './rmsprop-simd';
import { flushSubnormal } from './subnormal';
import { fusedUpdateKernel } from './fused-update-kernel';

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

export const rmspropUpdateKernel = fusedUpdateKernel<RMSpropUpdateAttrs>({
  kernelName: WEFT_RMSPROP_UPDATE,
  inputNames: (attrs) => ['variable', 'gradient', 'velocity', ...(attrs.momentum > 0 ? ['momentum'] : [])],
  simd: (memory, attrs) => {
    const simd = rmspropSimdOn(memory);
    const pass = simd && (attrs.momentum > 0 ? simd.rmspropMomentum : simd.rmsprop);
    return pass && (([w, g, v, m = 0], [wOut, vOut, mOut = 0], n) => pass(w, g, v, m, wOut, vOut, mOut, n, attrs.learningRate, attrs.rho, Math.fround(1 - attrs.rho), attrs.epsilon, attrs.momentum));
  },
  pass: ([w, g, velocity, momentum], [wOut, vOut, mOut], attrs) =>
    rmspropPass({ w, g, velocity, momentum: momentum ?? null }, { w: wOut, g, velocity: vOut, momentum: mOut ?? null }, attrs),
});

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
