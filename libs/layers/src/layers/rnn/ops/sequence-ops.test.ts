import * as tf from '@tensorflow/tfjs-core';
import { hasLstmSequenceKernels, initBackend } from '@weft/tensor';
// tfjs-core's CJS bundle registers no gradients; tfjs-layers' bundle (the test oracle) does.
import '@tensorflow/tfjs-layers';
import {
  gruSequence,
  gruStep,
  lstmSequence,
  lstmStep,
  runStepByStep,
  simpleRnnSequence,
  simpleRnnStep,
  type FusedActivation,
  type SequenceArgs,
  type SequenceResult,
} from './index';

const B = 3;
const T = 5;
const D = 4;
const UNITS = 3;
const fns: Record<FusedActivation, (x: tf.Tensor) => tf.Tensor> = {
  tanh: tf.tanh,
  sigmoid: tf.sigmoid,
  relu: tf.relu,
  linear: (x) => x,
};

beforeAll(async () => {
  await initBackend('cpu');
});

interface Case {
  name: string;
  cell: 'lstm' | 'gru' | 'simple';
  resetAfter?: boolean;
  bias?: boolean;
  mask?: boolean;
  dropout?: boolean;
  activation?: FusedActivation;
  recurrentActivation?: FusedActivation;
  returnSequences?: boolean;
  /** Default 3; the wasm LSTM kernel runs its SIMD cell when units is a multiple of 4. */
  units?: number;
}

/** Differentiable tensors of a case: inputs, kernel, recurrent kernel, [bias], initial states. */
function makeParams(c: Case, seed: number): tf.Tensor[] {
  const U = c.units ?? UNITS;
  const gates = c.cell === 'lstm' ? 4 : c.cell === 'gru' ? 3 : 1;
  const r = (shape: number[], i: number) => tf.randomUniform(shape, -1, 1, 'float32', seed + i);
  const params = [r([B, T, D], 1), r([D, gates * U], 2), r([U, gates * U], 3)];
  if (c.bias !== false) params.push(r(c.cell === 'gru' && c.resetAfter ? [2, gates * U] : [gates * U], 4));
  params.push(r([B, U], 5));
  if (c.cell === 'lstm') params.push(r([B, U], 6));
  return params;
}

function makeConstants(c: Case) {
  const U = c.units ?? UNITS;
  // Row 0: steps 0-1 masked (leading), row 1: step 2 masked, row 2: every step masked.
  const mask = c.mask
    ? tf.tensor2d([0, 0, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0], [B, T])
    : null;
  const inputDropoutMask: tf.Tensor2D | null = c.dropout ? tf.mul(tf.cast(tf.greater(tf.randomUniform([B, D], 0, 1, 'float32', 11), 0.3), 'float32'), 1 / 0.7) as tf.Tensor2D : null;
  const recurrentDropoutMask: tf.Tensor2D | null = c.dropout ? tf.mul(tf.cast(tf.greater(tf.randomUniform([B, U], 0, 1, 'float32', 12), 0.3), 'float32'), 1 / 0.7) as tf.Tensor2D : null;
  return { mask, inputDropoutMask, recurrentDropoutMask };
}

function toArgs(c: Case, p: tf.Tensor[], constants: ReturnType<typeof makeConstants>): SequenceArgs {
  const hasBias = c.bias !== false;
  return {
    inputs: p[0] as tf.Tensor3D,
    kernel: p[1] as tf.Tensor2D,
    recurrentKernel: p[2] as tf.Tensor2D,
    bias: hasBias ? p[3] : null,
    initialStates: p.slice(hasBias ? 4 : 3) as tf.Tensor2D[],
    returnSequences: c.returnSequences !== false,
    ...constants,
  };
}

function runFused(c: Case, args: SequenceArgs): SequenceResult {
  const activation = c.activation ?? 'tanh';
  const recurrentActivation = c.recurrentActivation ?? 'sigmoid';
  if (c.cell === 'lstm') return lstmSequence({ ...args, activation, recurrentActivation });
  if (c.cell === 'gru') return gruSequence({ ...args, activation, recurrentActivation, resetAfter: !!c.resetAfter });
  return simpleRnnSequence({ ...args, activation });
}

function runReference(c: Case, args: SequenceArgs): SequenceResult {
  const act = fns[c.activation ?? 'tanh'];
  const rec = fns[c.recurrentActivation ?? 'sigmoid'];
  const step =
    c.cell === 'lstm' ? lstmStep(args, act, rec) : c.cell === 'gru' ? gruStep(args, act, rec, !!c.resetAfter) : simpleRnnStep(args, act);
  return runStepByStep(args, step);
}

/** A scalar that touches every output: weighted sums with fixed random weights. */
function lossOf(result: SequenceResult): tf.Scalar {
  const terms: tf.Tensor[] = [];
  const weigh = (t: tf.Tensor, seed: number) => tf.sum(tf.mul(t, tf.randomUniform(t.shape, -1, 1, 'float32', seed)));
  if (result.outputs) terms.push(weigh(result.outputs, 21));
  terms.push(weigh(result.lastOutput, 22));
  result.states.forEach((s, i) => terms.push(weigh(s, 23 + i)));
  return tf.addN(terms) as tf.Scalar;
}

const cases: Case[] = [
  { name: 'LSTM', cell: 'lstm' },
  { name: 'LSTM masked, dropout', cell: 'lstm', mask: true, dropout: true },
  { name: 'LSTM no bias, last output only, relu/sigmoid', cell: 'lstm', bias: false, returnSequences: false, activation: 'relu' },
  { name: 'LSTM linear/tanh', cell: 'lstm', activation: 'linear', recurrentActivation: 'tanh', mask: true },
  { name: 'GRU reset after', cell: 'gru', resetAfter: true },
  { name: 'GRU reset after, masked, dropout', cell: 'gru', resetAfter: true, mask: true, dropout: true },
  { name: 'GRU reset before', cell: 'gru', resetAfter: false },
  { name: 'GRU reset before, masked, dropout, no bias', cell: 'gru', resetAfter: false, mask: true, dropout: true, bias: false },
  { name: 'SimpleRNN', cell: 'simple' },
  { name: 'SimpleRNN masked, dropout, relu', cell: 'simple', mask: true, dropout: true, activation: 'relu' },
];

function expectMatchesStepByStep(c: Case): void {
  const params = makeParams(c, 100);
  const constants = makeConstants(c);
  const fused = runFused(c, toArgs(c, params, constants));
  const reference = runReference(c, toArgs(c, params, constants));
  if (c.returnSequences === false) expect(fused.outputs).toBeNull();
  else expectClose(fused.outputs!, reference.outputs!, 1e-5);
  expectClose(fused.lastOutput, reference.lastOutput, 1e-5);
  fused.states.forEach((s, i) => expectClose(s, reference.states[i], 1e-5));

  const gradsFused = tf.grads((...p: tf.Tensor[]) => lossOf(runFused(c, toArgs(c, p, constants))))(params);
  const gradsReference = tf.grads((...p: tf.Tensor[]) => lossOf(runReference(c, toArgs(c, p, constants))))(params);
  gradsFused.forEach((g, i) => {
    expect(g.shape).toEqual(params[i].shape);
    expectClose(g, gradsReference[i], 1e-4);
  });
}

describe('fused recurrent sequence ops', () => {
  it.each(cases)('$name: outputs and every gradient equal the step-by-step version', (c) => expectMatchesStepByStep(c));

  it.each(cases.filter((c) => c.activation !== 'relu'))('$name: gradients agree with finite differences', (c) => {
    const params = makeParams(c, 200);
    const constants = makeConstants(c);
    const loss = (p: tf.Tensor[]) => lossOf(runFused(c, toArgs(c, p, constants))).dataSync()[0];
    const grads = tf.grads((...p: tf.Tensor[]) => lossOf(runFused(c, toArgs(c, p, constants))))(params);
    const eps = 1e-2;
    for (let i = 0; i < params.length; i++) {
      for (let trial = 0; trial < 2; trial++) {
        const v = tf.randomUniform(params[i].shape, -1, 1, 'float32', 300 + 10 * i + trial);
        const shifted = (sign: number) => params.map((p, j) => (j === i ? tf.add(p, tf.mul(v, sign * eps)) : p));
        const numeric = (loss(shifted(1)) - loss(shifted(-1))) / (2 * eps);
        const analytic = tf.sum(tf.mul(grads[i], v)).dataSync()[0];
        expect(Math.abs(numeric - analytic)).toBeLessThan(2e-2 * Math.max(1, Math.abs(analytic)));
      }
    }
  });

  it('a masked step carries the state through and repeats the previous output (hand-computed SimpleRNN)', () => {
    // h_t = x_t + h_{t-1} (linear, unit weights): a running sum that skips masked steps.
    const result = simpleRnnSequence({
      inputs: tf.tensor3d([1, 2, 4, 8], [1, 4, 1]),
      kernel: tf.tensor2d([[1]]),
      recurrentKernel: tf.tensor2d([[1]]),
      initialStates: [tf.tensor2d([[100]])],
      mask: tf.tensor2d([[0, 1, 0, 1]]),
      activation: 'linear',
      returnSequences: true,
    });
    // Keras: before any real step the output is zeros; the state is the initial state.
    expect(Array.from(result.outputs!.dataSync())).toEqual([0, 102, 102, 110]);
    expect(Array.from(result.states[0].dataSync())).toEqual([110]);
    expect(Array.from(result.lastOutput.dataSync())).toEqual([110]);
  });

  it('leaks no tensors, with or without a gradient tape', () => {
    const c: Case = { name: 'leak', cell: 'lstm', mask: true, dropout: true };
    const params = makeParams(c, 400);
    const constants = makeConstants(c);
    const before = tf.memory().numTensors;
    const result = runFused(c, toArgs(c, params, constants));
    tf.dispose(result as unknown as tf.TensorContainer);
    expect(tf.memory().numTensors).toBe(before);
    const grads = tf.grads((...p: tf.Tensor[]) => lossOf(runFused(c, toArgs(c, p, constants))))(params);
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('LSTM on wasm: the step loop in one kernel each way (WeftLstmForward/Backward)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });
  const lstmCases: Case[] = [
    { name: 'LSTM', cell: 'lstm' },
    { name: 'LSTM masked, dropout', cell: 'lstm', mask: true, dropout: true },
    { name: 'LSTM no bias, last output only', cell: 'lstm', bias: false, returnSequences: false },
    { name: 'LSTM masked, dropout, last output only', cell: 'lstm', mask: true, dropout: true, returnSequences: false },
    { name: 'LSTM, 8 units (SIMD cell)', cell: 'lstm', units: 8 },
    { name: 'LSTM masked, dropout, 8 units (SIMD cell)', cell: 'lstm', mask: true, dropout: true, units: 8 },
    { name: 'LSTM no bias, last output only, 4 units (SIMD cell)', cell: 'lstm', bias: false, returnSequences: false, units: 4 },
  ];
  it.each(lstmCases)('$name: outputs and every gradient equal the step-by-step version', (c) => {
    expect(hasLstmSequenceKernels()).toBe(true);
    expectMatchesStepByStep(c);
  });

  it('runs the two kernels and no per-step ops; leaks no tensors', async () => {
    const c: Case = { name: 'leak', cell: 'lstm', mask: true, dropout: true };
    const params = makeParams(c, 400);
    const constants = makeConstants(c);
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => {
      const grads = tf.grads((...p: tf.Tensor[]) => lossOf(runFused(c, toArgs(c, p, constants))))(params);
      tf.dispose(grads);
    });
    const names = profile.kernelNames;
    expect(names).toEqual(expect.arrayContaining(['WeftLstmForward', 'WeftLstmBackward']));
    expect(names).not.toContain('Sigmoid');
    expect(tf.memory().numTensors).toBe(before);
  });
});

function expectClose(actual: tf.Tensor, expected: tf.Tensor, tol: number): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.dataSync();
  const e = expected.dataSync();
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i])));
  expect(worst).toBeLessThan(tol);
}
