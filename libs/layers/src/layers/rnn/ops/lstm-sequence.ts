import * as tf from '@tensorflow/tfjs-core';
import { hasLstmSequenceKernels } from '@weft/tensor';
import { applyActivation, derivativeFromOutput, type FusedActivation } from './activation-derivative';
import { lstmSequenceOnKernels } from './lstm-sequence-kernels';
import type { SequenceArgs, SequenceResult } from './sequence-args';
import {
  projectAllSteps,
  sequenceWeightGradients,
  sumRows,
  transposedTimes,
  stepMasks,
  timeMajorInputs,
  unpackSequence,
  fusedSequenceInputs,
} from './sequence-plumbing';

export interface LstmSequenceArgs extends SequenceArgs {
  activation: FusedActivation;
  recurrentActivation: FusedActivation;
}

/**
 * An LSTM over a whole sequence (Keras gate order i, f, c, o; one bias) with a hand-written
 * gradient: one matmul projects every step's inputs, backprop through time runs only the small
 * recurrent matmul per step, and the kernel, recurrent kernel and bias gradients are each one
 * matmul (or sum) over all steps.
 *
 * Per-op dispatch, not arithmetic, bounds the step loop, so each step is kept to few kernels: the
 * gates are split by one unstack of [batch, 4, units] (a column split costs several kernels), and
 * with tanh/sigmoid one sigmoid covers all four gates.
 */
export function lstmSequence(args: LstmSequenceArgs): SequenceResult {
  const { activation: act, recurrentActivation: rec, returnSequences } = args;
  const steps = args.inputs.shape[1];
  // tanh(x) = 2 sigmoid(2x) - 1: with the cell-candidate block scaled by 2, one sigmoid covers every gate.
  const oneSigmoid = act === 'tanh' && rec === 'sigmoid';
  if (oneSigmoid && hasLstmSequenceKernels()) return lstmSequenceOnKernels(args);
  return tf.tidy(() => {
    const xT = timeMajorInputs(args);
    const masks = stepMasks(args.mask);
    const recMask = args.recurrentDropoutMask ?? null;
    const hasBias = !!args.bias;

    const fused = tf.customGrad((...all: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const { save, x, kernel, recKernel, bias, states: [h0, c0] } = fusedSequenceInputs(all, hasBias);
      const batch = x.shape[1];
      const units = recKernel.shape[0];
      const scale = oneSigmoid ? gateScale(units) : null;
      const k = scale ? tf.mul(kernel, scale) : kernel;
      const b = bias && scale ? tf.mul(bias, scale) : bias;
      const rk = scale ? tf.mul(recKernel, scale) : recKernel;
      const stepInputs = projectAllSteps(x, k as tf.Tensor2D, b as tf.Tensor1D | null);
      let h: tf.Tensor = h0;
      let c: tf.Tensor = c0;
      const hs: tf.Tensor[] = [];
      const gates: tf.Tensor[] = [];
      const cellActs: tf.Tensor[] = [];
      const prevCells: tf.Tensor[] = [];
      const recInputs: tf.Tensor[] = [];
      for (let t = 0; t < steps; t++) {
        const hIn = recMask ? tf.mul(h, recMask) : h;
        const z = tf.add(stepInputs[t], tf.matMul(hIn, rk));
        let i: tf.Tensor, f: tf.Tensor, g: tf.Tensor, o: tf.Tensor;
        if (oneSigmoid) {
          const s = tf.sigmoid(z);
          let sg: tf.Tensor;
          [i, f, sg, o] = tf.unstack(tf.reshape(s, [batch, 4, units]), 1);
          g = tf.sub(tf.mul(sg, 2), 1);
          gates.push(s);
        } else {
          const [zi, zf, zc, zo] = tf.unstack(tf.reshape(z, [batch, 4, units]), 1);
          [i, f, g, o] = [applyActivation(rec, zi), applyActivation(rec, zf), applyActivation(act, zc), applyActivation(rec, zo)];
          gates.push(tf.concat([i, f, g, o], 1));
        }
        const cNew = tf.add(tf.mul(f, c), tf.mul(i, g));
        const cellAct = applyActivation(act, cNew);
        const hNew = tf.mul(o, cellAct);
        cellActs.push(cellAct);
        prevCells.push(c);
        recInputs.push(hIn);
        if (masks) {
          h = tf.add(h, tf.mul(masks[t], tf.sub(hNew, h)));
          c = tf.add(c, tf.mul(masks[t], tf.sub(cNew, c)));
        } else {
          h = hNew;
          c = cNew;
        }
        hs.push(h);
      }
      // Stacked here: saving per-step tensors would clone each of them (one kernel apiece).
      save([x, kernel, recKernel, ...[gates, cellActs, prevCells, recInputs].map((list) => tf.stack(list)), ...(masks ?? []), ...(recMask ? [recMask] : [])]);
      const value = tf.stack([...hs, c]) as tf.Tensor3D;

      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
        const [xs, k0, rk, S, C, CP, H] = saved;
        const m = masks ? (saved.slice(7, 7 + steps) as tf.Tensor2D[]) : null;
        const rm = recMask ? saved[saved.length - 1] : null;
        // Transposed once: a transposed matmul inside the loop would re-transpose every step.
        const rkT = tf.transpose(rk);
        // S [T, B, 4U]: activated gates (oneSigmoid: sigmoid(2z) in the cell-candidate block); C: tanh of the
        // new cells, CP: the previous cells, H: the previous outputs as the recurrent matmul saw them.
        const gateValues = tf.unstack(tf.reshape(S, [steps, batch, 4, units]), 2); // 4 x [T, B, U]
        const [I, F, O] = [gateValues[0], gateValues[1], gateValues[3]];
        const Gc = oneSigmoid ? tf.sub(tf.mul(gateValues[2], 2), 1) : gateValues[2];
        // dLoss/dz_t = [dc, dc, dc, dh] * K_t, with dc the gradient reaching the new cell state.
        // With one sigmoid, every block's derivative is s(1 - s) (times 4 for the candidate, as
        // d tanh(z)/dz = 1 - g^2 = 4 s(1 - s)), so K is one product over all four blocks.
        const K = tf.unstack(
          oneSigmoid
            ? tf.mul(tf.concat([Gc, CP, tf.mul(I, 4), C], 2), tf.mul(S, tf.sub(1, S)))
            : tf.concat(
                [
                  tf.mul(Gc, derivativeFromOutput(rec, I)),
                  tf.mul(CP, derivativeFromOutput(rec, F)),
                  tf.mul(I, derivativeFromOutput(act, Gc)),
                  tf.mul(C, derivativeFromOutput(rec, O)),
                ],
                2,
              ),
        );
        const P = tf.unstack(tf.mul(O, derivativeFromOutput(act, C)));
        const Fs = tf.unstack(F);
        const unmasked = m ? m.map((mt) => tf.sub(1, mt)) : null;
        const dys = tf.unstack(dy);
        let dh = dys[steps - 1];
        let dc = dys[steps];
        const dzs: tf.Tensor2D[] = new Array(steps);
        for (let t = steps - 1; t >= 0; t--) {
          const dhNew = m ? tf.mul(dh, m[t]) : dh;
          const dcIn = m ? tf.mul(dc, m[t]) : dc;
          const dcNew = tf.add(dcIn, tf.mul(dhNew, P[t]));
          const dz = tf.mul(tf.concat([dcNew, dcNew, dcNew, dhNew], 1), K[t]) as tf.Tensor2D;
          dzs[t] = dz;
          let dcPrev = tf.mul(dcNew, Fs[t]);
          let dhPrev: tf.Tensor = tf.matMul(dz, rkT);
          if (rm) dhPrev = tf.mul(dhPrev, rm);
          if (unmasked) {
            dcPrev = tf.add(dcPrev, tf.mul(dc, unmasked[t]));
            dhPrev = tf.add(dhPrev, tf.mul(dh, unmasked[t]));
          }
          // Without returnSequences only the last output has a gradient.
          if (t > 0 && returnSequences) dhPrev = tf.add(dhPrev, dys[t - 1]);
          dh = dhPrev;
          dc = dcPrev;
        }
        const { dInputs, dKernel, dFlat } = sequenceWeightGradients(xs as tf.Tensor3D, k0 as tf.Tensor2D, dzs);
        const grads: tf.Tensor[] = [dInputs, dKernel, transposedTimes(tf.reshape(H, [steps * batch, units]), dFlat)];
        if (hasBias) grads.push(sumRows(dFlat));
        grads.push(dh, dc);
        return grads;
      };
      return { value, gradFunc };
    });

    const [h0, c0] = args.initialStates;
    const inputs = [xT, args.kernel, args.recurrentKernel, ...(hasBias ? [args.bias as tf.Tensor] : []), h0, c0];
    const packed = fused(...inputs) as tf.Tensor3D;
    return unpackSequence(packed, steps, 1, args) as unknown as tf.TensorContainerObject;
  }) as unknown as SequenceResult;
}

/** [4 units]: 1 for the i, f, o gates, 2 for the cell candidate. */
function gateScale(units: number): tf.Tensor1D {
  return tf.concat([tf.ones([2 * units]), tf.fill([units], 2), tf.ones([units])]) as tf.Tensor1D;
}
