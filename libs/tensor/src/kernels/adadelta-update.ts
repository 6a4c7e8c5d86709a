import * as tf from '@tensorflow/tfjs-core';
import { adadeltaSimdOn } from './adadelta-simd';
import { flushSubnormal } from './subnormal';
import { fusedUpdateKernel } from './fused-update-kernel';

/** Name of the fused Adadelta update kernel (ours; registered on wasm and cpu). */
export const WEFT_ADADELTA_UPDATE = 'WeftAdadeltaUpdate';

export interface AdadeltaUpdateAttrs {
  learningRate: number;
  rho: number;
  epsilon: number;
}

type Arrays = { w: Float32Array; g: Float32Array; accGrad: Float32Array; accDelta: Float32Array };

/**
 * Keras 3's Adadelta step for one variable in one pass, written to new arrays (inputs are never
 * written: tensors may share memory). Every intermediate is rounded to float32 where the per-op
 * update (mul, square, add, sqrt, div, neg) rounds, so both give the same bits, but for
 * accumulators that turn subnormal, which are flushed to zero (subnormal.ts):
 *   accGrad' = accGrad rho + g^2 (1 - rho)
 *   delta = -(g sqrt(accDelta + epsilon) / sqrt(accGrad' + epsilon))
 *   accDelta' = accDelta rho + delta^2 (1 - rho);  w' = w + delta lr
 */
function adadeltaPass(inp: Arrays, out: Arrays, attrs: AdadeltaUpdateAttrs): void {
  const f = Math.fround;
  const lr = f(attrs.learningRate);
  const rho = f(attrs.rho);
  const c = f(1 - attrs.rho);
  const eps = f(attrs.epsilon);
  const rms = (x: number) => f(Math.sqrt(f(x + eps)));
  const { w, g, accGrad, accDelta } = inp;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const ag = flushSubnormal(f(f(accGrad[i] * rho) + f(f(gi * gi) * c)));
    out.accGrad[i] = ag;
    const delta = -f(f(gi * rms(accDelta[i])) / rms(ag));
    out.accDelta[i] = flushSubnormal(f(f(accDelta[i] * rho) + f(f(delta * delta) * c)));
    out.w[i] = f(w[i] + f(delta * lr));
  }
}

export const adadeltaUpdateKernel = fusedUpdateKernel<AdadeltaUpdateAttrs>({
  kernelName: WEFT_ADADELTA_UPDATE,
  inputNames: () => ['variable', 'gradient', 'accumulatedGrad', 'accumulatedDelta'],
  simd: (memory, attrs) => {
    const simd = adadeltaSimdOn(memory);
    return simd && (([w, g, accGrad, accDelta], [wOut, accGradOut, accDeltaOut], n) =>
      simd(w, g, accGrad, accDelta, wOut, accGradOut, accDeltaOut, n, attrs.learningRate, attrs.rho, Math.fround(1 - attrs.rho), attrs.epsilon));
  },
  pass: ([w, g, accGrad, accDelta], [wOut, accGradOut, accDeltaOut], attrs) =>
    adadeltaPass({ w, g, accGrad, accDelta }, { w: wOut, g, accGrad: accGradOut, accDelta: accDeltaOut }, attrs),
});

export interface AdadeltaUpdateInputs {
  variable: tf.Tensor;
  gradient: tf.Tensor;
  accumulatedGrad: tf.Tensor;
  accumulatedDelta: tf.Tensor;
}

/**
 * One fused Adadelta step as new tensors (the caller assigns them), or null when the active
 * backend has no fused kernel (the caller then updates with separate ops).
 */
export function adadeltaUpdate(inputs: AdadeltaUpdateInputs, attrs: AdadeltaUpdateAttrs): { variable: tf.Tensor; accumulatedGrad: tf.Tensor; accumulatedDelta: tf.Tensor } | null {
  if (!tf.getKernel(WEFT_ADADELTA_UPDATE, tf.getBackend())) return null;
  const out = tf.engine().runKernel(WEFT_ADADELTA_UPDATE, { ...inputs }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { variable: out[0], accumulatedGrad: out[1], accumulatedDelta: out[2] };
}
