import * as tf from '@tensorflow/tfjs-core';
import type { SequenceArgs, SequenceResult } from './sequence-args';

export type ActivationFn = (x: tf.Tensor) => tf.Tensor;

/** One step of a cell: inputs [B, D] (dropout applied), previous states, -> output and new states. */
export type CellStep = (x: tf.Tensor2D, states: tf.Tensor2D[]) => { output: tf.Tensor2D; states: tf.Tensor2D[] };

/**
 * Runs a cell one step at a time with plain tf ops, differentiated by tf's autodiff. It serves any
 * activation the fused ops do not cover, and is the oracle the fused ops are tested against.
 * Masking as Keras: a masked step keeps the states and outputs the previous output (zeros at first).
 */
export function runStepByStep(args: SequenceArgs, step: CellStep): SequenceResult {
  return tf.tidy(() => {
    const x = args.inputDropoutMask ? tf.mul(args.inputs, tf.expandDims(args.inputDropoutMask, 1)) : args.inputs;
    const xs = tf.unstack(x, 1) as tf.Tensor2D[];
    const units = args.initialStates[0].shape[1];
    const masks = args.mask
      ? (tf.unstack(tf.tile(tf.expandDims(tf.cast(args.mask, 'bool'), 2), [1, 1, units]), 1) as tf.Tensor2D[])
      : null;
    let states = args.initialStates;
    let prevOutput: tf.Tensor2D | null = null;
    const outputs: tf.Tensor2D[] = [];
    xs.forEach((xt, t) => {
      const next = step(xt, states);
      let output = next.output;
      if (masks) {
        const keep = masks[t];
        output = tf.where(keep, output, prevOutput ?? tf.zerosLike(output));
        states = next.states.map((s, i) => tf.where(keep, s, states[i]));
      } else states = next.states;
      prevOutput = output;
      outputs.push(output);
    });
    return {
      outputs: args.returnSequences ? tf.stack(outputs, 1) : null,
      lastOutput: outputs[outputs.length - 1],
      states,
    } as unknown as tf.TensorContainerObject;
  }) as unknown as SequenceResult;
}

function withRecurrentDropout(h: tf.Tensor2D, mask: tf.Tensor2D | null | undefined): tf.Tensor2D {
  return mask ? tf.mul(h, mask) : h;
}

export function lstmStep(
  args: SequenceArgs,
  activation: ActivationFn,
  recurrentActivation: ActivationFn,
): CellStep {
  return (x, [h, c]) => {
    let z = tf.add(tf.matMul(x, args.kernel), tf.matMul(withRecurrentDropout(h, args.recurrentDropoutMask), args.recurrentKernel));
    if (args.bias) z = tf.add(z, args.bias);
    const [zi, zf, zc, zo] = tf.split(z, 4, 1);
    const cNew = tf.add(tf.mul(recurrentActivation(zf), c), tf.mul(recurrentActivation(zi), activation(zc)));
    const hNew = tf.mul(recurrentActivation(zo), activation(cNew)) as tf.Tensor2D;
    return { output: hNew, states: [hNew, cNew as tf.Tensor2D] };
  };
}

export function gruStep(
  args: SequenceArgs,
  activation: ActivationFn,
  recurrentActivation: ActivationFn,
  resetAfter: boolean,
): CellStep {
  return (x, [h]) => {
    const units = h.shape[1];
    const hIn = withRecurrentDropout(h, args.recurrentDropoutMask);
    const [inputBias, recurrentBias] = !args.bias
      ? [null, null]
      : resetAfter
        ? tf.unstack(args.bias)
        : [args.bias, null];
    let xz = tf.matMul(x, args.kernel) as tf.Tensor;
    if (inputBias) xz = tf.add(xz, inputBias);
    const [xZ, xR, xH] = tf.split(xz, 3, 1);
    const [uZR, uH] = tf.split(args.recurrentKernel, [2 * units, units], 1);
    let candidateInput: tf.Tensor;
    let hZR: tf.Tensor;
    let r: tf.Tensor;
    if (resetAfter) {
      let hu = tf.matMul(hIn, args.recurrentKernel) as tf.Tensor;
      if (recurrentBias) hu = tf.add(hu, recurrentBias);
      const [hZ, hR, hH] = tf.split(hu, 3, 1);
      hZR = tf.concat([hZ, hR], 1);
      r = recurrentActivation(tf.add(xR, hR));
      candidateInput = tf.add(xH, tf.mul(r, hH));
    } else {
      hZR = tf.matMul(hIn, uZR);
      r = recurrentActivation(tf.add(xR, tf.slice(hZR, [0, units], [-1, units])));
      candidateInput = tf.add(xH, tf.matMul(tf.mul(r, hIn), uH));
    }
    const zGate = recurrentActivation(tf.add(xZ, tf.slice(hZR, [0, 0], [-1, units])));
    const candidate = activation(candidateInput);
    const hNew = tf.add(tf.mul(zGate, h), tf.mul(tf.sub(1, zGate), candidate)) as tf.Tensor2D;
    return { output: hNew, states: [hNew] };
  };
}

export function simpleRnnStep(args: SequenceArgs, activation: ActivationFn): CellStep {
  return (x, [h]) => {
    let z = tf.add(tf.matMul(x, args.kernel), tf.matMul(withRecurrentDropout(h, args.recurrentDropoutMask), args.recurrentKernel));
    if (args.bias) z = tf.add(z, args.bias);
    const hNew = activation(z) as tf.Tensor2D;
    return { output: hNew, states: [hNew] };
  };
}
