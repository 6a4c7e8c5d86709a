import * as tf from '@tensorflow/tfjs-core';
import { applyActivation, derivativeFromOutput, type FusedActivation } from './activation-derivative';
import type { SequenceArgs, SequenceResult } from './sequence-args';
import {
  flatStack,
  projectAllSteps,
  sequenceWeightGradients,
  sumRows,
  transposedTimes,
  stepMasks,
  timeMajorInputs,
  unpackSequence,
  fusedSequenceInputs,
} from './sequence-plumbing';

export interface SimpleRnnSequenceArgs extends SequenceArgs {
  activation: FusedActivation;
}

/** A SimpleRNN over a whole sequence with a hand-written gradient (see lstmSequence). */
export function simpleRnnSequence(args: SimpleRnnSequenceArgs): SequenceResult {
  const act = args.activation;
  const steps = args.inputs.shape[1];
  return tf.tidy(() => {
    const xT = timeMajorInputs(args);
    const masks = stepMasks(args.mask);
    const recMask = args.recurrentDropoutMask ?? null;
    const hasBias = !!args.bias;

    const fused = tf.customGrad((...all: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const { save, x, kernel, recKernel, bias, states: [h0] } = fusedSequenceInputs(all, hasBias);
      const projected = projectAllSteps(x, kernel, bias as tf.Tensor1D | null);
      let h = h0;
      const hs: tf.Tensor2D[] = [];
      const newOutputs: tf.Tensor2D[] = [];
      const recInputs: tf.Tensor2D[] = [];
      for (let t = 0; t < steps; t++) {
        const hIn: tf.Tensor2D = recMask ? tf.mul(h, recMask) : h;
        const hNew = applyActivation(act, tf.add(projected[t], tf.matMul(hIn, recKernel))) as tf.Tensor2D;
        newOutputs.push(hNew);
        recInputs.push(hIn);
        h = masks ? tf.add(h, tf.mul(masks[t], tf.sub(hNew, h))) : hNew;
        hs.push(h);
      }
      save([x, kernel, recKernel, ...newOutputs, ...recInputs, ...(masks ?? []), ...(recMask ? [recMask] : [])]);
      const value = tf.stack(hs) as tf.Tensor3D;

      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
        const [xs, k, rk] = saved as tf.Tensor2D[];
        const take = (from: number) => saved.slice(3 + from * steps, 3 + (from + 1) * steps) as tf.Tensor2D[];
        const derivs = tf.unstack(derivativeFromOutput(act, tf.stack(take(0))));
        const m = masks ? take(2) : null;
        const rm = recMask ? saved[saved.length - 1] : null;
        const unmasked = m ? m.map((mt) => tf.sub(1, mt)) : null;
        const rkT = tf.transpose(rk); // once, not per step
        const dys = tf.unstack(dy);
        const dPre: tf.Tensor2D[] = new Array(steps);
        let dh = dys[steps - 1];
        for (let t = steps - 1; t >= 0; t--) {
          const dhNew = m ? tf.mul(dh, m[t]) : dh;
          dPre[t] = tf.mul(dhNew, derivs[t]) as tf.Tensor2D;
          let dhPrev = tf.matMul(dPre[t], rkT) as tf.Tensor;
          if (rm) dhPrev = tf.mul(dhPrev, rm);
          if (unmasked) dhPrev = tf.add(dhPrev, tf.mul(dh, unmasked[t]));
          if (t > 0) dhPrev = tf.add(dhPrev, dys[t - 1]);
          dh = dhPrev;
        }
        const { dInputs, dKernel, dFlat } = sequenceWeightGradients(xs as unknown as tf.Tensor3D, k, dPre);
        const grads: tf.Tensor[] = [dInputs, dKernel, transposedTimes(flatStack(take(1)), dFlat)];
        if (hasBias) grads.push(sumRows(dFlat));
        grads.push(dh);
        return grads;
      };
      return { value, gradFunc };
    });

    const inputs = [xT, args.kernel, args.recurrentKernel, ...(hasBias ? [args.bias as tf.Tensor] : []), args.initialStates[0]];
    const packed = fused(...inputs) as tf.Tensor3D;
    return unpackSequence(packed, steps, 0, args) as unknown as tf.TensorContainerObject;
  }) as unknown as SequenceResult;
}
