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

export interface GruSequenceArgs extends SequenceArgs {
  activation: FusedActivation;
  recurrentActivation: FusedActivation;
  /** true: the reset gate multiplies (h U_h + b_rh), bias [2, 3U]; false: it multiplies h, bias [3U]. */
  resetAfter: boolean;
}

/**
 * A GRU over a whole sequence (Keras gate order z, r, h) with a hand-written gradient: one matmul
 * projects every step's inputs, backprop through time runs only the recurrent matmuls per step,
 * and the weight gradients are each one reduction over all steps.
 */
export function gruSequence(args: GruSequenceArgs): SequenceResult {
  const { activation: act, recurrentActivation: rec, resetAfter } = args;
  const steps = args.inputs.shape[1];
  return tf.tidy(() => {
    const xT = timeMajorInputs(args);
    const masks = stepMasks(args.mask);
    const recMask = args.recurrentDropoutMask ?? null;
    const hasBias = !!args.bias;

    const fused = tf.customGrad((...all: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const { save, x, kernel, recKernel, bias, states: [h0] } = fusedSequenceInputs(all, hasBias);
      const units = h0.shape[1];
      const [inputBias, recBias] = (!bias ? [null, null] : resetAfter ? tf.unstack(bias) : [bias, null]) as (tf.Tensor1D | null)[];
      const projected = projectAllSteps(x, kernel, inputBias);
      const [recZR, recH] = tf.split(recKernel, [2 * units, units], 1) as tf.Tensor2D[];
      let h = h0;
      const hs: tf.Tensor2D[] = [];
      // Per step: z, r, candidate, the recurrent candidate term (reset-after), h_{t-1}, its dropped copy.
      const perStep: tf.Tensor2D[][] = [[], [], [], [], [], []];
      for (let t = 0; t < steps; t++) {
        const hIn = recMask ? tf.mul(h, recMask) : h;
        const [xZ, xR, xH] = gates(projected[t], 3);
        let z: tf.Tensor;
        let r: tf.Tensor;
        let candidate: tf.Tensor;
        let recCandidate: tf.Tensor;
        if (resetAfter) {
          let hu: tf.Tensor = tf.matMul(hIn, recKernel);
          if (recBias) hu = tf.add(hu, recBias);
          const [hZ, hR, hH] = gates(hu, 3);
          z = applyActivation(rec, tf.add(xZ, hZ));
          r = applyActivation(rec, tf.add(xR, hR));
          recCandidate = hH;
          candidate = applyActivation(act, tf.add(xH, tf.mul(r, hH)));
        } else {
          const [hZ, hR] = gates(tf.matMul(hIn, recZR), 2);
          z = applyActivation(rec, tf.add(xZ, hZ));
          r = applyActivation(rec, tf.add(xR, hR));
          recCandidate = r; // unused in the reset-before gradient; keeps the saved layout fixed
          candidate = applyActivation(act, tf.add(xH, tf.matMul(tf.mul(r, hIn), recH)));
        }
        const hNew = tf.add(candidate, tf.mul(z, tf.sub(h, candidate))) as tf.Tensor2D;
        [z, r, candidate, recCandidate, h, hIn].forEach((v, i) => perStep[i].push(v as tf.Tensor2D));
        h = masks ? tf.add(h, tf.mul(masks[t], tf.sub(hNew, h))) : hNew;
        hs.push(h);
      }
      save([x, kernel, recKernel, ...perStep.flat(), ...(masks ?? []), ...(recMask ? [recMask] : [])]);
      const value = tf.stack(hs) as tf.Tensor3D;

      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
        const [xs, k, rk] = saved as tf.Tensor2D[];
        const take = (from: number) => saved.slice(3 + from * steps, 3 + (from + 1) * steps) as tf.Tensor2D[];
        const [Z, R, Hc, Uh, HP] = [0, 1, 2, 3, 4].map((i) => tf.stack(take(i)));
        const recInputs = take(5);
        const m = masks ? take(6) : null;
        const rm = recMask ? saved[saved.length - 1] : null;
        // Transposed once: a transposed matmul inside the loop would re-transpose every step.
        const rkT = tf.transpose(rk);
        const [rkZRT, rkHT] = tf.split(rkT, [2 * units, units], 0);
        // dLoss/d(pre-activation) of z and of the candidate, per unit of gradient reaching h_new.
        const A = tf.mul(tf.sub(HP, Hc), derivativeFromOutput(rec, Z));
        const B = tf.mul(tf.sub(1, Z), derivativeFromOutput(act, Hc));
        const Zs = tf.unstack(Z);
        const unmasked = m ? m.map((mt) => tf.sub(1, mt)) : null;
        const dys = tf.unstack(dy);
        const dInputGates: tf.Tensor2D[] = new Array(steps);
        const dRecGates: tf.Tensor2D[] = new Array(steps);
        let dh = dys[steps - 1];
        if (resetAfter) {
          const dR = tf.mul(tf.mul(B, Uh), derivativeFromOutput(rec, R));
          const inputK = tf.unstack(tf.concat([A, dR, B], 2));
          const recK = tf.unstack(tf.concat([A, dR, tf.mul(B, R)], 2));
          for (let t = steps - 1; t >= 0; t--) {
            const dhNew = m ? tf.mul(dh, m[t]) : dh;
            const d3 = tf.concat([dhNew, dhNew, dhNew], 1);
            dInputGates[t] = tf.mul(d3, inputK[t]) as tf.Tensor2D;
            dRecGates[t] = tf.mul(d3, recK[t]) as tf.Tensor2D;
            let dRec = tf.matMul(dRecGates[t], rkT) as tf.Tensor;
            if (rm) dRec = tf.mul(dRec, rm);
            let dhPrev = tf.add(tf.mul(dhNew, Zs[t]), dRec);
            if (unmasked) dhPrev = tf.add(dhPrev, tf.mul(dh, unmasked[t]));
            if (t > 0) dhPrev = tf.add(dhPrev, dys[t - 1]);
            dh = dhPrev;
          }
        } else {
          const As = tf.unstack(A);
          const Bs = tf.unstack(B);
          const Rs = tf.unstack(R);
          const dRs = tf.unstack(tf.mul(derivativeFromOutput(rec, R), tf.stack(recInputs)));
          for (let t = steps - 1; t >= 0; t--) {
            const dhNew = m ? tf.mul(dh, m[t]) : dh;
            const dzPre = tf.mul(dhNew, As[t]);
            const dhPre = tf.mul(dhNew, Bs[t]);
            const dResetH = tf.matMul(dhPre, rkHT);
            const dzr = tf.concat([dzPre, tf.mul(dResetH, dRs[t])], 1) as tf.Tensor2D;
            dInputGates[t] = tf.concat([dzr, dhPre], 1) as tf.Tensor2D;
            dRecGates[t] = dzr;
            let dRec = tf.add(tf.matMul(dzr, rkZRT), tf.mul(dResetH, Rs[t])) as tf.Tensor;
            if (rm) dRec = tf.mul(dRec, rm);
            let dhPrev = tf.add(tf.mul(dhNew, Zs[t]), dRec);
            if (unmasked) dhPrev = tf.add(dhPrev, tf.mul(dh, unmasked[t]));
            if (t > 0) dhPrev = tf.add(dhPrev, dys[t - 1]);
            dh = dhPrev;
          }
        }
        const { dInputs, dKernel, dFlat } = sequenceWeightGradients(xs as unknown as tf.Tensor3D, k, dInputGates);
        const dRecFlat = flatStack(dRecGates);
        let dRecKernel: tf.Tensor;
        if (resetAfter) {
          dRecKernel = transposedTimes(flatStack(recInputs), dRecFlat);
        } else {
          const hIns = flatStack(recInputs);
          const dHFlat = tf.slice(dFlat, [0, 2 * units], [-1, units]);
          dRecKernel = tf.concat(
            [transposedTimes(hIns, dRecFlat), transposedTimes(tf.mul(flatStack(take(1)), hIns), dHFlat)],
            1,
          );
        }
        const grads: tf.Tensor[] = [dInputs, dKernel, dRecKernel];
        if (hasBias) grads.push(resetAfter ? tf.stack([sumRows(dFlat), sumRows(dRecFlat)]) : sumRows(dFlat));
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

/** [B, n * U] -> n tensors [B, U], by one unstack (a column split costs several kernels per step on wasm). */
function gates(x: tf.Tensor, n: number): tf.Tensor[] {
  const [batch, columns] = x.shape;
  return tf.unstack(tf.reshape(x, [batch, n, columns / n]), 1);
}
