import * as tf from '@tensorflow/tfjs-core';
import { applyActivation, derivativeFromOutput, type FusedActivation } from './activation-derivative';
import type { SequenceArgs, SequenceResult } from './sequence-args';
import {
  flatStack,
  projectAllSteps,
  sequenceWeightGradients,
  stepMasks,
  timeMajorInputs,
  unpackSequence,
} from './sequence-plumbing';

export interface LstmSequenceArgs extends SequenceArgs {
  activation: FusedActivation;
  recurrentActivation: FusedActivation;
}

/**
 * An LSTM over a whole sequence (Keras gate order i, f, c, o; one bias) with a hand-written
 * gradient: one matmul projects every step's inputs, backprop through time runs only the small
 * recurrent matmul per step, and the kernel, recurrent kernel and bias gradients are each one
 * reduction over all steps.
 */
export function lstmSequence(args: LstmSequenceArgs): SequenceResult {
  const { activation: act, recurrentActivation: rec } = args;
  const steps = args.inputs.shape[1];
  return tf.tidy(() => {
    const xT = timeMajorInputs(args);
    const masks = stepMasks(args.mask);
    const recMask = args.recurrentDropoutMask ?? null;
    const hasBias = !!args.bias;

    const fused = tf.customGrad((...all: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const save = all.pop() as tf.GradSaveFunc;
      const [x, kernel, recKernel] = all as tf.Tensor2D[];
      const bias = hasBias ? (all[3] as tf.Tensor) : null;
      const [h0, c0] = all.slice(hasBias ? 4 : 3) as tf.Tensor2D[];
      const projected = projectAllSteps(x as unknown as tf.Tensor3D, kernel, bias);
      let h = h0;
      let c = c0;
      const hs: tf.Tensor2D[] = [];
      const gates: tf.Tensor2D[] = [];
      const cellActs: tf.Tensor2D[] = [];
      const prevCells: tf.Tensor2D[] = [];
      const prevRecInputs: tf.Tensor2D[] = [];
      for (let t = 0; t < steps; t++) {
        const hIn: tf.Tensor2D = recMask ? tf.mul(h, recMask) : h;
        const z = tf.add(projected[t], tf.matMul(hIn, recKernel));
        const [zi, zf, zc, zo] = tf.split(z, 4, 1);
        const i = applyActivation(rec, zi);
        const f = applyActivation(rec, zf);
        const g = applyActivation(act, zc);
        const o = applyActivation(rec, zo);
        const cNew = tf.add(tf.mul(f, c), tf.mul(i, g));
        const cellAct = applyActivation(act, cNew);
        const hNew = tf.mul(o, cellAct);
        gates.push(tf.concat([i, f, g, o], 1) as tf.Tensor2D);
        cellActs.push(cellAct as tf.Tensor2D);
        prevCells.push(c);
        prevRecInputs.push(hIn);
        if (masks) {
          h = tf.add(h, tf.mul(masks[t], tf.sub(hNew, h)));
          c = tf.add(c, tf.mul(masks[t], tf.sub(cNew, c)));
        } else {
          h = hNew as tf.Tensor2D;
          c = cNew as tf.Tensor2D;
        }
        hs.push(h);
      }
      save([x, kernel, recKernel, ...gates, ...cellActs, ...prevCells, ...prevRecInputs, ...(masks ?? []), ...(recMask ? [recMask] : [])]);
      const value = tf.stack([...hs, c]) as tf.Tensor3D;

      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
        const [xs, k, rk] = saved as tf.Tensor2D[];
        const take = (from: number) => saved.slice(3 + from * steps, 3 + (from + 1) * steps) as tf.Tensor2D[];
        const G = tf.stack(take(0)) as tf.Tensor3D;
        const C = tf.stack(take(1));
        const CP = tf.stack(take(2));
        const recInputs = take(3);
        const m = masks ? take(4) : null;
        const rm = recMask ? saved[saved.length - 1] : null;
        const [I, F, Gc, O] = tf.split(G, 4, 2);
        // dLoss/dz = [dc, dc, dc, dh] * K, with dc the gradient reaching the new cell state.
        const K = tf.unstack(
          tf.concat(
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
          let dhPrev = tf.matMul(dz, rk, false, true) as tf.Tensor;
          if (rm) dhPrev = tf.mul(dhPrev, rm);
          if (unmasked) {
            dcPrev = tf.add(dcPrev, tf.mul(dc, unmasked[t]));
            dhPrev = tf.add(dhPrev, tf.mul(dh, unmasked[t]));
          }
          if (t > 0) dhPrev = tf.add(dhPrev, dys[t - 1]);
          dh = dhPrev;
          dc = dcPrev;
        }
        const { dInputs, dKernel, dFlat } = sequenceWeightGradients(xs as unknown as tf.Tensor3D, k, dzs);
        const dRecKernel = tf.matMul(flatStack(recInputs), dFlat, true, false);
        const grads: tf.Tensor[] = [dInputs, dKernel, dRecKernel];
        if (hasBias) grads.push(tf.sum(dFlat, 0));
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
