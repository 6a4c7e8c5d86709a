import * as tf from '@tensorflow/tfjs-core';
import { gemm, lstmSequenceBackward, lstmSequenceForward } from '@weft/tensor';
import type { SequenceArgs, SequenceResult } from './sequence-args';
import { fusedSequenceInputs, timeMajorInputs, unpackSequence } from './sequence-plumbing';

/**
 * lstmSequence (tanh cell, sigmoid gates) where the backend runs the whole step loop in one kernel
 * each way (wasm with weft's kernels): the same maths as the op-by-op loop in lstm-sequence.ts
 * without its dozen kernel launches per step. Around the two kernels, the input projection and
 * the weight gradients are one matmul each, as there.
 */
export function lstmSequenceOnKernels(args: SequenceArgs): SequenceResult {
  const { returnSequences } = args;
  const steps = args.inputs.shape[1];
  return tf.tidy(() => {
    const xT = timeMajorInputs(args);
    const mask = args.mask ? (tf.transpose(tf.cast(args.mask, 'float32')) as tf.Tensor2D) : null;
    const recMask = args.recurrentDropoutMask ?? null;
    const hasBias = !!args.bias;

    const fused = tf.customGrad((...all: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const { save, x, kernel, recKernel, bias, states: [h0, c0] } = fusedSequenceInputs(all, hasBias);
      const [, batch, features] = x.shape;
      const units = recKernel.shape[0];
      // The bias rides in the matmul: the accumulators start from it.
      const projected = gemm(tf.reshape(x, [steps * batch, features]), kernel, bias as tf.Tensor1D | null);
      const { packed, S, C, CP, H } = lstmSequenceForward({
        projected: tf.reshape(projected, [steps, batch, 4 * units]),
        recKernel,
        h0,
        c0,
        mask,
        recMask,
      });
      save([x, kernel, recKernel, S, C, CP, H, ...(mask ? [mask] : []), ...(recMask ? [recMask] : [])]);

      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
        const [xs, S, C, CP, H] = [0, 3, 4, 5, 6].map((i) => saved[i] as tf.Tensor3D);
        const [k0, rk] = [saved[1], saved[2]] as tf.Tensor2D[];
        const m = mask ? (saved[7] as tf.Tensor2D) : null;
        const rm = recMask ? (saved[saved.length - 1] as tf.Tensor2D) : null;
        const { dZ, dZT, dh0, dc0 } = lstmSequenceBackward(
          { dy: dy as tf.Tensor3D, S, C, CP, recKernelT: tf.transpose(rk), mask: m, recMask: rm },
          returnSequences,
        );
        const dFlat = tf.reshape(dZ, [steps * batch, 4 * units]) as tf.Tensor2D;
        // Column sums of dZ, row after row: the order (and bits) of dZT x ones, at a fraction of its cost;
        // first, while dZ is still in cache.
        const dBias = hasBias ? tf.sum(dFlat, 0) : null;
        // [4U, T*B] x [T*B, D], then transposed (a small transpose): a narrow right operand keeps the
        // matmul's column panels in cache.
        const weightGrad = (inputs: tf.Tensor3D) => tf.transpose(gemm(dZT, tf.reshape(inputs, [steps * batch, inputs.shape[2]])));
        const dInputs = tf.reshape(gemm(dFlat, tf.transpose(k0)), xs.shape);
        const grads: tf.Tensor[] = [dInputs, weightGrad(xs), weightGrad(H)];
        if (dBias) grads.push(dBias);
        grads.push(dh0, dc0);
        return grads;
      };
      return { value: packed, gradFunc };
    });

    const [h0, c0] = args.initialStates;
    const inputs = [xT, args.kernel, args.recurrentKernel, ...(hasBias ? [args.bias as tf.Tensor] : []), h0, c0];
    const packed = fused(...inputs) as tf.Tensor3D;
    return unpackSequence(packed, steps, 1, args) as unknown as tf.TensorContainerObject;
  }) as unknown as SequenceResult;
}
