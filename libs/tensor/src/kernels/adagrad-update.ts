import * as tf from '@tensorflow/tfjs-core';
import { adagradSimdOn } from './adagrad-simd';
import { fusedUpdateKernel } from './fused-update-kernel';

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

export const adagradUpdateKernel = fusedUpdateKernel<AdagradUpdateAttrs>({
  kernelName: WEFT_ADAGRAD_UPDATE,
  inputNames: () => ['variable', 'gradient', 'accumulator'],
  simd: (memory, attrs) => {
    const simd = adagradSimdOn(memory);
    return simd && (([w, g, acc], [wOut, accOut], n) => simd(w, g, acc, wOut, accOut, n, attrs.learningRate, attrs.epsilon));
  },
  pass: ([w, g, acc], [wOut, accOut], attrs) => adagradPass({ w, g, acc }, { w: wOut, g, acc: accOut }, attrs),
});

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
