import * as tf from '@tensorflow/tfjs-core';
import { adamSimdOn } from './adam-simd';
import { flushSubnormal } from './subnormal';
import { fusedUpdateKernel } from './fused-update-kernel';

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

export const adamUpdateKernel = fusedUpdateKernel<AdamUpdateAttrs>({
  kernelName: WEFT_ADAM_UPDATE,
  inputNames: (attrs) => ['variable', 'gradient', 'momentum', 'velocity', ...(attrs.amsgrad ? ['velocityHat'] : [])],
  simd: (memory, attrs) => {
    const simd = attrs.amsgrad ? null : adamSimdOn(memory);
    const f = Math.fround;
    return simd && (([w, g, m, v], [wOut, mOut, vOut], n) => simd(w, g, m, v, wOut, mOut, vOut, n, attrs.alpha, f(1 - attrs.beta1), f(1 - attrs.beta2), attrs.epsilon));
  },
  pass: ([w, g, m, v, vHat], [wOut, mOut, vOut, vHatOut], attrs) =>
    adamPass({ w, g, m, v, vHat: vHat ?? null }, { w: wOut, g, m: mOut, v: vOut, vHat: vHatOut ?? null }, attrs),
});

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
