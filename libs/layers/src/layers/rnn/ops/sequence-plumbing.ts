import * as tf from '@tensorflow/tfjs-core';
import { gemm } from '@weft/tensor';
import type { SequenceArgs, SequenceResult } from './sequence-args';

/** [B, T, D] inputs, input dropout applied, as time-major [T, B, D]. */
export function timeMajorInputs(args: SequenceArgs): tf.Tensor3D {
  const x = args.inputDropoutMask ? tf.mul(args.inputs, tf.expandDims(args.inputDropoutMask, 1)) : args.inputs;
  return tf.transpose(x, [1, 0, 2]) as tf.Tensor3D;
}

/** The mask as one [B, 1] float tensor per step, or null. */
export function stepMasks(mask: tf.Tensor2D | null | undefined): tf.Tensor2D[] | null {
  if (!mask) return null;
  const timeMajor = tf.expandDims(tf.transpose(tf.cast(mask, 'float32')), 2);
  return tf.unstack(timeMajor) as tf.Tensor2D[];
}

/**
 * Splits the fused op's packed result into Keras's outputs. `packed` holds every carried h, then
 * the extra final states: [T + extra, B, U], or [T + extra, U, B] when unitMajor. Keras outputs
 * the previous output at a masked step, starting from zeros: that equals the carried h times
 * "some step so far was real".
 */
export function unpackSequence(
  packed: tf.Tensor3D,
  steps: number,
  extraStates: number,
  args: SequenceArgs,
  unitMajor = false,
): SequenceResult {
  const [, rows, cols] = packed.shape;
  // Slices, not unstack: tf's Unpack gradient fails when there is a single row.
  const row = (t: number) => {
    const r = tf.reshape(tf.slice(packed, [t, 0, 0], [1, rows, cols]), [rows, cols]) as tf.Tensor2D;
    return unitMajor ? tf.transpose(r) : r;
  };
  const h = row(steps - 1);
  const states = [h];
  for (let i = 1; i <= extraStates; i++) states.push(row(steps - 1 + i));
  const mask = args.mask ? tf.cast(args.mask, 'float32') : null;
  const lastOutput = (mask ? tf.mul(h, tf.max(mask, 1, true)) : h) as tf.Tensor2D;
  let outputs: tf.Tensor3D | null = null;
  if (args.returnSequences) {
    outputs = tf.transpose(tf.slice(packed, [0, 0, 0], [steps, rows, cols]), unitMajor ? [2, 0, 1] : [1, 0, 2]);
    if (mask) {
      const seen = tf.cast(tf.greater(tf.cumsum(mask, 1), 0), 'float32');
      outputs = tf.mul(outputs, tf.expandDims(seen, 2)) as tf.Tensor3D;
    }
  }
  return { outputs, lastOutput, states };
}

/** Input projection (with the bias [G]) for every step in one matmul: [T, B, D] -> T tensors [B, G]. */
export function projectAllSteps(xT: tf.Tensor3D, kernel: tf.Tensor2D, bias: tf.Tensor1D | null): tf.Tensor2D[] {
  const [steps, batch, features] = xT.shape;
  const projected = gemm(tf.reshape(xT, [steps * batch, features]), kernel, bias);
  return tf.unstack(tf.reshape(projected, [steps, batch, kernel.shape[1]])) as tf.Tensor2D[];
}

/** a^T b for the weight gradients, [N, P] and [N, Q] -> [P, Q]: one explicit transpose, then gemm. */
export function transposedTimes(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return gemm(tf.transpose(a), b);
}

/** Gradients of the input kernel, recurrent kernel and inputs from all steps' pre-activation gradients, each one matmul. */
export function sequenceWeightGradients(
  xT: tf.Tensor3D,
  kernel: tf.Tensor2D,
  inputGrads: tf.Tensor2D[],
): { dInputs: tf.Tensor3D; dKernel: tf.Tensor2D; dFlat: tf.Tensor2D } {
  const [steps, batch, features] = xT.shape;
  const dFlat = tf.reshape(tf.stack(inputGrads), [steps * batch, kernel.shape[1]]) as tf.Tensor2D;
  const dKernel = transposedTimes(tf.reshape(xT, [steps * batch, features]), dFlat);
  const dInputs = tf.reshape(gemm(dFlat, tf.transpose(kernel)), [steps, batch, features]) as tf.Tensor3D;
  return { dInputs, dKernel, dFlat };
}

/** [T, B, U] stacked states, flattened to [T * B, U]. */
export function flatStack(tensors: tf.Tensor2D[]): tf.Tensor2D {
  const [batch, units] = tensors[0].shape;
  return tf.reshape(tf.stack(tensors), [tensors.length * batch, units]);
}

/** Column sums of [N, G] as one [1, N] x [N, G] matmul: a strided Sum over rows is several times slower on wasm. */
export function sumRows(x: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(tf.matMul(tf.ones([1, x.shape[0]]), x), [x.shape[1]]) as tf.Tensor1D;
}

/** The inputs of a fused sequence op's customGrad: (x, kernel, recurrentKernel, [bias], ...initialStates, save). */
export function fusedSequenceInputs(all: (tf.Tensor | tf.GradSaveFunc)[], hasBias: boolean) {
  const save = all[all.length - 1] as tf.GradSaveFunc;
  const tensors = all.slice(0, -1) as tf.Tensor[];
  return {
    save,
    x: tensors[0] as tf.Tensor3D,
    kernel: tensors[1] as tf.Tensor2D,
    recKernel: tensors[2] as tf.Tensor2D,
    bias: hasBias ? tensors[3] : null,
    states: tensors.slice(hasBias ? 4 : 3) as tf.Tensor2D[],
  };
}
